// The cookbook's polling for a profile after the user signs in on another device: every 3–5 s,
// through transient failures, never past the code's `notAfter`. That time is Adobe's: the poll
// reads Adobe's clock from the `Date` of its answers, so a service clock minutes off neither stops
// polling before the code ends (a sign-in missed) nor polls on after it.
import type { components, paths } from '../../generated/schema.d.ts';
import { clockOf, systemClock, type Clock } from '../clock.ts';
import { isEnhancedError, PassError, PassNetworkError, PassRateLimitError, type EnhancedError } from '../errors.ts';
import type { TypedClient } from '../typed.ts';

type Profile = components['schemas']['Profile'];
type CodeHeaders = paths['/api/v2/{serviceProvider}/profiles/code/{code}']['get']['parameters']['header'];

export const POLL_MIN_MS = 3000;
export const POLL_MAX_MS = 5000;

export interface PollProfileOptions {
  serviceProvider: string;
  code: string;
  /** When the code stops being valid (the session's `notAfter`, epoch ms, Adobe's clock). Polling stops there. */
  notAfter: number;
  /** Requested interval; clamped to the cookbook's 3–5 s. Default 4 s. */
  intervalMs?: number;
  headers?: CodeHeaders;
  /** Abort when the user generates a new code or leaves the screen. */
  signal?: AbortSignal;
  /** Default: the clock of the client from `createPassClient`, else the system clock. */
  clock?: Clock;
}

export type PollResult =
  | { status: 'authenticated'; mvpd: string; profile: Profile; attempts: number; transientFailures: number }
  | { status: 'expired'; attempts: number; transientFailures: number }
  | { status: 'failed'; httpStatus: number; error?: EnhancedError; attempts: number; transientFailures: number };

export const clampPollInterval = (ms: number) => Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, ms));

/**
 * How far Adobe's clock is ahead of `now` by an answer's `Date` (negative: behind), or 0. `Date`
 * has whole seconds and is stamped before the answer travels, so under 2 s the clocks agree as far
 * as it can tell; a day or more is a wrong `Date` (a clock in the wrong time zone is hours off).
 */
function clockOffsetFrom(date: string | null, now: number): number {
  const at = date === null ? NaN : Date.parse(date);
  if (!Number.isFinite(at)) return 0;
  const offset = at - now;
  return Math.abs(offset) < 2000 || Math.abs(offset) >= 86_400_000 ? 0 : offset;
}

/** Actions that polling again cannot fix. */
const FINAL_ACTIONS = new Set(['application-registration', 'authentication', 'authorization', 'configuration']);

/** A failed answer worth polling through: a server error (not a configuration one) or `action: retry`. */
function transientAnswer(status: number, error: unknown): boolean {
  const action = isEnhancedError(error) ? error.action : undefined;
  if (action === 'retry') return true;
  return status >= 500 && !FINAL_ACTIONS.has(action ?? '');
}

/** A thrown error worth polling through: timeouts, broken connections, 429s, a 5xx HTML page. A port fetch refuses is not one. */
function transientError(error: unknown): boolean {
  if (!(error instanceof PassError) || (error instanceof PassNetworkError && error.blockedPort)) return false;
  if (error.kind === 'timeout' || error.kind === 'network' || error.kind === 'rate-limited') return true;
  return error.kind === 'unexpected-response' && (error.status ?? 0) >= 500;
}

class Deadline extends Error {}

/**
 * Polls `GET /profiles/code/{code}` until a profile appears, Adobe answers an error polling cannot
 * fix, the code expires (`notAfter`), or `signal` aborts (rejects with the signal's reason). An
 * empty `profiles` map means "not yet". Each request is bounded by the time left before `notAfter`.
 */
export async function pollProfileByCode(client: TypedClient, o: PollProfileOptions): Promise<PollResult> {
  const clock = o.clock ?? clockOf(client) ?? systemClock;
  // Number(session.notAfter) of a session without one is NaN: say so rather than poll once and call it expired.
  if (!Number.isFinite(o.notAfter)) throw new TypeError(`pollProfileByCode: notAfter must be a time in epoch milliseconds (the session's notAfter), not ${o.notAfter}`);
  // Epoch seconds (a JWT's exp, a `Date.now() / 1000`) fall in 1970 read as milliseconds: the code
  // counted as long expired, nothing was polled, and the sign-in was never seen. (Only against a
  // clock of this century: a fake clock that starts at 0 may well ask for small times.)
  if (Math.abs(o.notAfter) < 1e11 && clock.now() >= 1e12) throw new TypeError(`pollProfileByCode: notAfter ${o.notAfter} reads as ${new Date(o.notAfter).toISOString()}: pass epoch milliseconds (the session's notAfter), not seconds`);
  // NaN passed every clamp and made each wait 0 ms: a poll as fast as the host answers.
  if (o.intervalMs !== undefined && !Number.isFinite(o.intervalMs)) throw new TypeError(`pollProfileByCode: intervalMs must be a number of milliseconds (clamped to 3000–5000), not ${o.intervalMs}`);
  const interval = clampPollInterval(o.intervalMs ?? 4000);
  let attempts = 0;
  let transientFailures = 0;
  const expired = () => ({ status: 'expired' as const, attempts, transientFailures });
  // Adobe's clock minus ours, from the last answer that said (0 until one has).
  let offset = 0;
  for (;;) {
    o.signal?.throwIfAborted();
    const left = o.notAfter - (clock.now() + offset);
    if (left <= 0) return expired();
    attempts++;

    // This request may not outlive the code: abort it at notAfter, or when the caller aborts.
    const bound = new AbortController();
    const stopTimer = new AbortController();
    clock.sleep(left, stopTimer.signal).then(() => bound.abort(new Deadline()), () => undefined);
    const onAbort = () => bound.abort(o.signal!.reason);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let waitUntil = 0;
    try {
      const { data, error, response } = await client.GET('/api/v2/{serviceProvider}/profiles/code/{code}', {
        params: { path: { serviceProvider: o.serviceProvider, code: o.code }, ...(o.headers ? { header: o.headers } : {}) },
        signal: bound.signal,
      });
      offset = clockOffsetFrom(response.headers.get('date'), clock.now());
      if (response.ok) {
        // A success must carry the profiles map (empty: not yet); an empty body or `null` does not.
        const profiles: unknown = (data as { profiles?: unknown } | null | undefined)?.profiles;
        if (!profiles || typeof profiles !== 'object' || Array.isArray(profiles)) {
          const operation = 'GET /api/v2/{serviceProvider}/profiles/code/{code}';
          throw new PassError(`${operation}: HTTP ${response.status} without a profiles map`, { kind: 'protocol', status: response.status, operation });
        }
        const first = Object.entries(profiles as Record<string, Profile>)[0];
        if (first) return { status: 'authenticated', mvpd: first[0], profile: first[1], attempts, transientFailures };
      } else if (transientAnswer(response.status, error)) {
        transientFailures++;
      } else {
        return { status: 'failed', httpStatus: response.status, ...(isEnhancedError(error) ? { error } : {}), attempts, transientFailures };
      }
    } catch (error) {
      if (o.signal?.aborted) throw o.signal.reason;
      if (bound.signal.reason instanceof Deadline) return expired();
      if (!transientError(error)) throw error;
      transientFailures++;
      if (error instanceof PassRateLimitError) waitUntil = error.retryAt;
    } finally {
      stopTimer.abort();
      o.signal?.removeEventListener('abort', onAbort);
    }

    const now = clock.now();
    const toEnd = o.notAfter - (now + offset);
    const wait = Math.min(Math.max(interval, waitUntil - now), toEnd);
    if (wait <= 0) return expired();
    await clock.sleep(wait, o.signal);
    // Slept to the code's end: expired, whatever the clock reads now. A timer may fire a millisecond
    // before Date.now() has moved that far, and the loop then sent one more poll with 1 ms left.
    if (wait === toEnd) return expired();
  }
}
