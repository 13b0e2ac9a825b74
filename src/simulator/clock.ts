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

/** The last epoch millisecond a Date can hold (ECMAScript: 8.64e15). */
const LAST_DATE_MS = 8.64e15;

/** A clock over `base` (default `Date.now`), advanced by the control API or by tests. */
export function createVirtualClock(base: () => number = Date.now): SimClock {
  let offset = 0;
  return {
    now: () => base() + offset,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms} ms (a finite, non-negative number is needed)`);
      // Past it, every date the simulator writes (tokens, profiles, a recording's times) is invalid.
      if (base() + offset + ms > LAST_DATE_MS) throw new RangeError(`cannot advance the clock by ${ms} ms: simulated time would pass the last date JavaScript represents (+275760-09-13)`);
      offset += ms;
    },
    offset: () => offset,
    reset() {
      offset = 0;
    },
  };
}
