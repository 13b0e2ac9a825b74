// The simulator's virtual clock: real time plus an offset a test can push forward (expire a code instantly).
export interface SimClock {
  /** Epoch milliseconds as the simulator sees them. */
  now(): number;
  /** Moves simulated time forward by `ms` (never backwards). */
  advance(ms: number): void;
  /** How far simulated time is ahead of the base clock. */
  offset(): number;
  /** Back to the base clock. */
  reset(): void;
}

/** A clock over `base` (default `Date.now`), advanced by the control API or by tests. */
export function createVirtualClock(base: () => number = Date.now): SimClock {
  let offset = 0;
  return {
    now: () => base() + offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms} ms (a finite, non-negative number is needed)`);
      offset += ms;
    },
    offset: () => offset,
    reset() {
      offset = 0;
    },
  };
}
