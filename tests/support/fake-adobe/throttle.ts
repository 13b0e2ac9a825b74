// Two stricter readings of Adobe's throttling page's prose, enforced by the fake host (per device)
// so that clients meet a harsher host than the page's table. Neither reproduces that table (the
// exact reading is `throttleStep` in src/description/throttle.ts): the bucket refuses its 2.2 s row,
// and the window's block after a 429 refuses its 3.1 s row.
// - bucket: a token bucket of `burst` tokens refilled at `rate` per second, starting full (the
//   prose's "token bucket");
// - window: fixed windows of 1/rate s counted from the device's first request, one request free
//   per window, extra requests spend a one-time allowance of `burst`, then 429. After a 429 the
//   device is refused for one window ("the throttling expires after one second of the first 429").
import type { Clock } from '../../../packages/client/src/clock.ts';

export type Reading = 'bucket' | 'window';

export interface ThrottleOptions {
  readings: Reading[];
  /** Requests per second (Adobe: 1). */
  rate?: number;
  /** Bucket size / one-time burst (Adobe: 10). */
  burst?: number;
}

interface Device { tokens: number; last: number; firstAt: number; window: number; usedInWindow: number; burstLeft: number; blockedUntil: number }

export class Throttle {
  private readonly devices = new Map<string, Device>();
  private readonly periodMs: number;
  private readonly burst: number;
  /** How many requests each reading refused. */
  readonly refused: Record<Reading, number> = { bucket: 0, window: 0 };

  constructor(private readonly o: ThrottleOptions, private readonly clock: Clock) {
    this.periodMs = 1000 / (o.rate ?? 1);
    this.burst = o.burst ?? 10;
  }

  /** Whether the device may be served now; counts the request either way. */
  admit(device: string): boolean {
    const now = this.clock.now();
    let d = this.devices.get(device);
    if (!d) {
      d = { tokens: this.burst, last: now, firstAt: now, window: 0, usedInWindow: 0, burstLeft: this.burst, blockedUntil: -Infinity };
      this.devices.set(device, d);
    }
    if (now < d.blockedUntil) return false;
    let ok = true;
    if (this.o.readings.includes('bucket')) {
      d.tokens = Math.min(this.burst, d.tokens + (now - d.last) / this.periodMs);
      d.last = now;
      if (d.tokens >= 1) d.tokens -= 1;
      else {
        ok = false;
        this.refused.bucket++;
      }
    }
    if (this.o.readings.includes('window')) {
      const window = Math.floor((now - d.firstAt) / this.periodMs);
      if (window !== d.window) {
        d.window = window;
        d.usedInWindow = 0;
      }
      if (d.usedInWindow === 0) d.usedInWindow = 1;
      else if (d.burstLeft > 0) {
        d.burstLeft--;
        d.usedInWindow++;
      } else {
        if (ok) this.refused.window++;
        ok = false;
      }
    }
    if (!ok) d.blockedUntil = now + this.periodMs;
    return ok;
  }
}
