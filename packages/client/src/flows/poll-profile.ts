// The cookbook's polling for a profile after the user signs in on another device.
import type { Client } from 'openapi-fetch';
import type { components, paths } from '../../generated/schema.d.ts';
import { systemClock, type Clock } from '../clock.ts';
import { isEnhancedError, type EnhancedError } from '../errors.ts';

type Profile = components['schemas']['Profile'];
type CodeHeaders = paths['/api/v2/{serviceProvider}/profiles/code/{code}']['get']['parameters']['header'];

export const POLL_MIN_MS = 3000;
export const POLL_MAX_MS = 5000;

export interface PollProfileOptions {
  serviceProvider: string;
  code: string;
  /** When the code stops being valid (the session's `notAfter`, epoch ms). Polling stops there. */
  notAfter: number;
  /** Requested interval; clamped to the cookbook's 3–5 s. Default 4 s. */
  intervalMs?: number;
  headers?: CodeHeaders;
  /** Abort when the user generates a new code or leaves the screen. */
  signal?: AbortSignal;
  clock?: Clock;
}

export type PollResult =
  | { status: 'authenticated'; mvpd: string; profile: Profile; attempts: number }
  | { status: 'expired'; attempts: number }
  | { status: 'failed'; httpStatus: number; error?: EnhancedError; attempts: number };

export const clampPollInterval = (ms: number) => Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, ms));

/**
 * Polls `GET /profiles/code/{code}` until a profile appears, the code expires (`notAfter`) or
 * `signal` aborts (rejects with the signal's reason). An empty `profiles` map means "not yet".
 */
export async function pollProfileByCode(client: Client<paths>, o: PollProfileOptions): Promise<PollResult> {
  const clock = o.clock ?? systemClock;
  const interval = clampPollInterval(o.intervalMs ?? 4000);
  let attempts = 0;
  for (;;) {
    o.signal?.throwIfAborted();
    if (clock.now() >= o.notAfter) return { status: 'expired', attempts };
    attempts++;
    const { data, error, response } = await client.GET('/api/v2/{serviceProvider}/profiles/code/{code}', {
      params: { path: { serviceProvider: o.serviceProvider, code: o.code }, ...(o.headers ? { header: o.headers } : {}) },
      ...(o.signal ? { signal: o.signal } : {}),
    });
    if (!data) return { status: 'failed', httpStatus: response.status, ...(isEnhancedError(error) ? { error } : {}), attempts };
    const first = Object.entries(data.profiles)[0];
    if (first) return { status: 'authenticated', mvpd: first[0], profile: first[1], attempts };
    const wait = Math.min(interval, o.notAfter - clock.now());
    if (wait <= 0) return { status: 'expired', attempts };
    await clock.sleep(wait, o.signal);
  }
}
