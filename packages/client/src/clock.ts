// Time as a dependency: layers and flows take a Clock so tests can use fake timers.
export interface Clock {
  /** The wall clock, epoch milliseconds: compared with Adobe's times, and stored with tokens. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * A clock that never steps, in milliseconds from any origin (the system's: `performance.now()`).
   * Optional: without it, spans are measured on `now()` alone (see `steadyTime`).
   */
  monotonic?(): number;
}

/** The longest delay setTimeout keeps (2^31 − 1 ms, 24.8 days); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  // A wait longer than one timer holds is a chain of timers (Infinity: until aborted).
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      let left = ms > 0 ? ms : 0;
      let timer: ReturnType<typeof setTimeout>;
      const arm = () => {
        const step = Math.min(left, MAX_TIMER_MS);
        timer = setTimeout(() => {
          left -= step;
          if (left > 0) return arm();
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, step);
      };
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      arm();
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * The time spans kept in memory are measured on (a 429's pause, the limiter's schedule, how long a
 * cached answer lives): it moves on by what passed on the wall clock or on the monotonic clock
 * since the last reading, whichever is more, and never back. So a span lasts its length when the
 * wall clock steps back (NTP setting back a clock that ran ahead: an hour held every device a 429
 * had paused for 2 s, and kept permits whose media tokens had expired), and when the machine slept
 * (Linux's monotonic clock stands still then, the wall clock does not). A wall clock stepping
 * forward ends spans early: a cached answer is asked for again, a pause ends and Adobe may answer
 * 429 once more, the safe side of both. Readings start at the wall clock's time.
 */
export function steadyTime(clock: Clock): () => number {
  let wall = clock.now();
  let mono = clock.monotonic?.();
  let time = wall;
  return () => {
    const w = clock.now();
    const m = clock.monotonic?.();
    time += Math.max(0, w - wall, m !== undefined && mono !== undefined ? m - mono : 0);
    wall = w;
    mono = m;
    return time;
  };
}

/**
 * The clock a client was built with (`createPassClient({ clock })`), for the flows called on it
 * without one of their own: a poll read the session's notAfter, in the client's time, against the
 * system clock. Undefined for a client without one (`createTypedClient`).
 */
export function clockOf(client: object): Clock | undefined {
  const clock = (client as { clock?: Partial<Clock> }).clock;
  return typeof clock?.now === 'function' && typeof clock.sleep === 'function' ? (clock as Clock) : undefined;
}
