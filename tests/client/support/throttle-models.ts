// Adobe's throttle, as a host could enforce it, under two readings of its page's prose ("a token
// bucket", "1 request per second, with an initial burst of 10 requests (one-time allowance on the
// first interaction)"). Both say 429 for the first second after a 429 ("the throttling expires after
// one second of the first 429"), which makes them stricter than the page's scenario table: neither
// reproduces it row by row (the bucket refuses its 2.2 s request, the window its 3.1 s request).
// The table's own reading is `throttleStep` in src/description/throttle.ts.

export interface ThrottleModel {
  readonly name: string;
  /** May a request from `key` that arrived at `at` (ms) pass? */
  admit(key: string, at: number): boolean;
}

/** "The throttling expires after one second of the first 429 responses." */
class Blocked {
  private until = new Map<string, number>();
  check(key: string, at: number): boolean {
    return at < (this.until.get(key) ?? -Infinity);
  }
  block(key: string, at: number): void {
    if (!this.check(key, at)) this.until.set(key, at + 1000);
  }
}

/** Reading 1: a token bucket holding 10, refilled at 1 per second. */
export function tokenBucket(capacity = 10, perSecond = 1): ThrottleModel {
  const buckets = new Map<string, { tokens: number; last: number }>();
  const blocked = new Blocked();
  return {
    name: `token bucket of ${capacity}, ${perSecond}/s`,
    admit(key, at) {
      if (blocked.check(key, at)) return false;
      const b = buckets.get(key) ?? { tokens: capacity, last: at };
      // Arrivals handled out of order never refill backwards.
      b.tokens = Math.min(capacity, b.tokens + (Math.max(0, at - b.last) * perSecond) / 1000);
      b.last = Math.max(b.last, at);
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return true;
      }
      blocked.block(key, at);
      return false;
    },
  };
}

/**
 * Reading 2 (the table's windows, plus the block after a 429 that the table does not apply): one
 * request per fixed one-second window, plus a one-time burst of 10 spent when a window's request
 * is used up. Windows start at the device's first request plus `offsetMs`.
 */
export function fixedWindowAfterBurst(burst = 10, offsetMs = 0): ThrottleModel {
  const devices = new Map<string, { origin: number; burstLeft: number; used: Map<number, number> }>();
  const blocked = new Blocked();
  return {
    name: `fixed 1 s windows after a one-time burst of ${burst} (offset ${offsetMs} ms)`,
    admit(key, at) {
      if (blocked.check(key, at)) return false;
      let d = devices.get(key);
      if (!d) devices.set(key, (d = { origin: at + offsetMs, burstLeft: burst, used: new Map() }));
      const window = Math.floor((at - d.origin) / 1000);
      const used = d.used.get(window) ?? 0;
      if (used === 0) {
        d.used.set(window, 1);
        return true;
      }
      if (d.burstLeft > 0) {
        d.burstLeft--;
        return true;
      }
      blocked.block(key, at);
      return false;
    },
  };
}
