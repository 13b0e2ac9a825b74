// Time as a dependency: layers and flows take a Clock so tests can use fake timers.
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The longest delay setTimeout keeps (2^31 − 1 ms, 24.8 days); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
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
 * The clock a client was built with (`createPassClient({ clock })`), for the flows called on it
 * without one of their own: a poll read the session's notAfter, in the client's time, against the
 * system clock. Undefined for a client without one (`createTypedClient`).
 */
export function clockOf(client: object): Clock | undefined {
  const clock = (client as { clock?: Partial<Clock> }).clock;
  return typeof clock?.now === 'function' && typeof clock.sleep === 'function' ? (clock as Clock) : undefined;
}
