// Keeps each device inside Adobe's throttle: the pause after a 429, and an optional limiter that
// stays under the limit however Adobe's page is read.
//
// Adobe's throttling page says "1 request per second, with an initial burst of 10 requests
// (one-time allowance on the first interaction)", counted per device (X-Forwarded-For). Its table
// can be read as a token bucket of 10 refilled at 1/s, or as a one-time burst of 10 plus one
// request per fixed one-second window. A schedule safe under both: at most `burst` requests once
// per device, then requests at least 1 s + `marginMs` apart. The margin absorbs what makes
// requests arrive closer together than they were sent (a new TLS connection for one, a reused one
// for the next; queueing; timer lateness). The burst is not given back after a quiet period,
// because under the second reading it never comes back.
import { milliseconds, positive, wholeNumber } from '../bounds.ts';
import { steadyTime, systemClock, type Clock } from '../clock.ts';
import { setRecent } from '../lru.ts';

/** The bucket of calls that carry neither X-Forwarded-For nor AP-Device-Identifier: this service's own address. */
export const SELF_KEY = '(this service)';

/**
 * Adobe identifies a device by X-Forwarded-For (server-to-server) or, failing that, by the device
 * id; a call with neither counts against the address of whoever sends it.
 */
export function deviceKey(headers: Headers): string {
  const forwarded = headers.get('X-Forwarded-For')?.split(',')[0]?.trim();
  return forwarded ? `ip ${forwarded}` : headers.has('AP-Device-Identifier') ? `device ${headers.get('AP-Device-Identifier')}` : SELF_KEY;
}

export interface DeviceLimiterOptions {
  /** Steady rate per device (Adobe: 1 request per second). */
  ratePerSecond?: number;
  /** One-time allowance on a device's first requests (Adobe: 10). */
  burst?: number;
  /** Added to each interval after the burst. Default 500 ms. */
  marginMs?: number;
  /** Devices remembered (least recently used are forgotten, with their burst used). Default 100,000. */
  maxDevices?: number;
  clock?: Clock;
}

export const DEFAULT_MARGIN_MS = 500;
/** Adobe: "Each application that receives a 429 response must wait for at least 1 second." */
export const MIN_PAUSE_MS = 1000;
/**
 * The longest pause a 429 sets (1 hour): Adobe throttles per second, and a Retry-After of
 * 99999999999 (a broken gateway, a hostile host) paused a device for 3,170 years.
 */
export const MAX_PAUSE_MS = 3_600_000;

interface Device {
  burstLeft: number;
  /** Earliest time the next request after the burst may go. */
  nextAt: number;
  /** No request before this (set by a 429). */
  pausedUntil: number;
}

export class DeviceThrottle {
  private readonly devices = new Map<string, Device>();
  private readonly interval: number;
  private readonly burst: number;
  private readonly maxDevices: number;
  private readonly clock: Clock;
  /** Times below are on it: spans survive the wall clock stepping (`steadyTime`). */
  private readonly time: () => number;

  constructor(private readonly limit: boolean, o: DeviceLimiterOptions = {}) {
    this.interval = 1000 / positive('limit.ratePerSecond', o.ratePerSecond ?? 1) + milliseconds('limit.marginMs', o.marginMs ?? DEFAULT_MARGIN_MS);
    this.burst = wholeNumber('limit.burst', o.burst ?? 10);
    this.maxDevices = wholeNumber('limit.maxDevices', o.maxDevices ?? 100_000);
    this.clock = o.clock ?? systemClock;
    this.time = steadyTime(this.clock);
  }

  private device(key: string): Device {
    const d = this.devices.get(key) ?? { burstLeft: this.burst, nextAt: 0, pausedUntil: 0 };
    setRecent(this.devices, key, d, this.maxDevices);
    return d;
  }

  /**
   * True when `key` may send now with nothing to wait for or record: the limiter is off and no
   * pause is in force. Then `acquire` would return 0 at once; callers skip it.
   */
  free(key: string): boolean {
    if (this.limit) return false;
    const d = this.devices.get(key);
    return d === undefined || this.time() >= d.pausedUntil;
  }

  /**
   * Waits until `key` may send one request and returns how long it waited (ms). Each caller
   * reserves its slot at once, so a device's requests go out in order; an aborted wait rejects
   * with the signal's reason and its slot stays unused.
   */
  async acquire(key: string, signal?: AbortSignal): Promise<number> {
    const started = this.time();
    for (;;) {
      signal?.throwIfAborted();
      const d = this.device(key);
      const now = this.time();
      let slot = Math.max(now, d.pausedUntil);
      if (this.limit) {
        if (d.burstLeft > 0) d.burstLeft--;
        else slot = Math.max(slot, d.nextAt);
        d.nextAt = Math.max(d.nextAt, slot + this.interval);
      }
      if (slot > now) await this.clock.sleep(slot - now, signal);
      // A 429 that arrived while this request waited for its slot pauses it too.
      const after = this.time();
      if (after >= d.pausedUntil) return after - started;
    }
  }

  /** After a 429: nothing for this device until `ms` from now (1 s to 1 hour); its burst is spent. */
  pause(key: string, ms: number): void {
    const d = this.device(key);
    d.burstLeft = 0;
    d.pausedUntil = Math.max(d.pausedUntil, this.time() + pauseMs(ms));
  }

  /** How long a 429's pause still holds `key` (ms, 0 when none). */
  pausedFor(key: string): number {
    const d = this.devices.get(key);
    return d ? Math.max(0, d.pausedUntil - this.time()) : 0;
  }
}

/** The pause a 429 asking for `askedMs` sets: at least 1 s (Adobe), at most MAX_PAUSE_MS. */
export const pauseMs = (askedMs: number): number => Math.min(MAX_PAUSE_MS, Math.max(MIN_PAUSE_MS, askedMs));

/**
 * `Retry-After` in milliseconds (seconds or HTTP date); 0 when absent or unreadable. An HTTP date is
 * the host's clock: it is read against the host's own `Date` when the answer carries one, so that
 * a service clock an hour behind (or set back) does not turn a 2 s pause into an hour.
 */
export function retryAfterMs(headers: Headers, now: number): number {
  const value = headers.get('Retry-After')?.trim();
  if (!value) return 0;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return 0;
  const sent = Date.parse(headers.get('Date') ?? '');
  return Math.max(0, date - (Number.isNaN(sent) ? now : sent));
}
