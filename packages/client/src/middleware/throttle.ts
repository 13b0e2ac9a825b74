// Keeps each device inside Adobe's throttle: a pause after a 429 and an optional client-side limiter.
import type { MiddlewareCallbackParams } from 'openapi-fetch';
import { systemClock, type Clock } from '../clock.ts';

/** Adobe identifies a device by X-Forwarded-For (server-to-server) or, failing that, the device id. */
export function deviceKey(request: Request): string {
  return request.headers.get('X-Forwarded-For') ?? request.headers.get('AP-Device-Identifier') ?? '*';
}

export interface DeviceLimiterOptions {
  /** Steady rate per device (Adobe: 1 request per second). */
  ratePerSecond?: number;
  /** One-time allowance on a device's first requests (Adobe: 10). */
  burst?: number;
  clock?: Clock;
}

interface Bucket { tokens: number; burstLeft: number; last: number; pausedUntil: number; queue: Promise<void> }

/**
 * Adobe's algorithm as its throttling page describes it: one token per second (bucket of one),
 * plus a one-time burst allowance per device, after which a 429 lasts one second.
 */
export class DeviceThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly burst: number;
  private readonly clock: Clock;

  constructor(private readonly limit: boolean, o: DeviceLimiterOptions = {}) {
    this.rate = o.ratePerSecond ?? 1;
    this.burst = o.burst ?? 10;
    this.clock = o.clock ?? systemClock;
  }

  private bucket(key: string): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: 1, burstLeft: this.burst, last: this.clock.now(), pausedUntil: 0, queue: Promise.resolve() };
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Waits until `key` may send one request; requests of one device are released in order. */
  acquire(key: string): Promise<void> {
    const b = this.bucket(key);
    // Fast path without the limiter: only a 429 pause can hold a request back.
    if (!this.limit && this.clock.now() >= b.pausedUntil) return Promise.resolve();
    const turn = b.queue.then(() => this.take(b));
    b.queue = turn.catch(() => undefined);
    return turn;
  }

  /** After a 429: nothing for this device until `ms` from now (at least 1 s). */
  pause(key: string, ms: number): void {
    const b = this.bucket(key);
    b.pausedUntil = Math.max(b.pausedUntil, this.clock.now() + Math.max(1000, ms));
  }

  private async take(b: Bucket): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (now < b.pausedUntil) {
        await this.clock.sleep(b.pausedUntil - now);
        continue;
      }
      if (!this.limit) return;
      b.tokens = Math.min(1, b.tokens + ((now - b.last) * this.rate) / 1000);
      b.last = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      if (b.burstLeft > 0) {
        b.burstLeft -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - b.tokens) * 1000) / this.rate));
    }
  }
}

/** `Retry-After` in milliseconds (seconds or HTTP date), if present. */
export function retryAfterMs(response: Response, now: number): number {
  const value = response.headers.get('Retry-After');
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - now);
}

export interface ThrottleMiddleware {
  /** The gate itself, for middleware that re-sends requests. */
  gate(request: Request): Promise<void>;
  onRequest(params: MiddlewareCallbackParams): Promise<undefined>;
  onResponse(params: MiddlewareCallbackParams & { response: Response }): undefined;
}

/**
 * Always: after a 429, the device's next request waits at least 1 s (or Retry-After).
 * With `limit`: also keeps each device within the rate and burst before Adobe has to say 429.
 */
export function throttleMiddleware(o: DeviceLimiterOptions & { limit?: boolean } = {}): ThrottleMiddleware {
  const clock = o.clock ?? systemClock;
  const throttle = new DeviceThrottle(o.limit ?? false, o);
  const gate = (request: Request) => throttle.acquire(deviceKey(request));
  return {
    gate,
    async onRequest({ request }) {
      await gate(request);
      return undefined;
    },
    onResponse({ request, response }) {
      if (response.status === 429) throttle.pause(deviceKey(request), retryAfterMs(response, clock.now()));
      return undefined;
    },
  };
}
