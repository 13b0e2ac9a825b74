// A virtual clock for unit tests of the client's timing (the contract tests use it too).
import type { Clock } from '../../packages/client/src/clock.ts';

/** Time moves only when someone sleeps; every sleep is recorded. */
export function virtualClock(start = 1_700_000_000_000): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += Math.max(0, ms);
      await Promise.resolve();
    },
  };
}
