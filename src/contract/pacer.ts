// Paces the check's requests to a real host so that it never causes a 429, whichever way Adobe's
// throttling page is read (a token bucket of 10 refilled at 1/s, or 1 request per fixed 1-second
// window after a one-time burst of 10): one request at a time, each sent at least
// interval × (1 + margin) after the previous one *completed*. Measuring from completion keeps the
// gap the host sees at least the interval whatever the network delays. No burst: the burst is a
// one-time allowance per device, which an earlier run from the same address may have used.
import { systemClock, type Clock } from 'pass-contract-client';

export interface PaceOptions {
  /** The host's steady rate per device (Adobe: 1 request per second). */
  ratePerSecond?: number;
  /** Safety margin on the interval (default 0.1 = 10 %). */
  margin?: number;
  /** Longest wait a `Retry-After` can impose (ms, default 30 s). */
  maxHoldMs?: number;
  clock?: Clock;
}

export class Pacer {
  readonly intervalMs: number;
  private readonly maxHoldMs: number;
  private readonly clock: Clock;
  private notBefore = -Infinity;
  private busy = false;

  constructor(o: PaceOptions = {}) {
    const rate = o.ratePerSecond ?? 1;
    const margin = o.margin ?? 0.1;
    // NaN compares false with everything: a NaN interval or wait paced nothing at all.
    if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`Pacer: ratePerSecond must be a finite number above 0, got ${rate}`);
    if (!(Number.isFinite(margin) && margin >= 0)) throw new RangeError(`Pacer: margin must be a finite number from 0 up, got ${margin}`);
    this.intervalMs = Math.ceil((1000 / rate) * (1 + margin));
    if (!Number.isFinite(this.intervalMs)) throw new RangeError(`Pacer: 1000 / ratePerSecond × (1 + margin) must be a finite number of milliseconds, got ${this.intervalMs}`);
    this.maxHoldMs = o.maxHoldMs ?? 30_000;
    if (!(Number.isFinite(this.maxHoldMs) && this.maxHoldMs >= 0)) throw new RangeError(`Pacer: maxHoldMs must be a finite number of milliseconds from 0 up, got ${this.maxHoldMs}`);
    this.clock = o.clock ?? systemClock;
  }

  get now(): number {
    return this.clock.now();
  }

  /** Waits for the turn of the next request; call `done()` when its response is complete. */
  async turn(signal?: AbortSignal): Promise<void> {
    if (this.busy) throw new Error('Pacer.turn() while a request is in flight: the check sends one request at a time');
    const wait = this.notBefore - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait, signal);
    signal?.throwIfAborted();
    this.busy = true;
  }

  /** The request of the current turn completed (or failed): the next one waits a full interval. */
  done(): void {
    this.busy = false;
    this.notBefore = Math.max(this.notBefore, this.clock.now() + this.intervalMs);
  }

  /** After a 429: nothing until `retryAfterMs` from now, at least 1 s (Adobe), at most the cap. Returns the wait. */
  holdOff(retryAfterMs: number): number {
    const wait = Math.min(this.maxHoldMs, Math.max(1000, this.intervalMs, retryAfterMs));
    this.notBefore = Math.max(this.notBefore, this.clock.now() + wait);
    return wait;
  }
}

