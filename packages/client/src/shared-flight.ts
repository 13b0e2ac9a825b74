// One piece of work shared by every caller who asks while it runs (e.g. one token request for
// twenty calls). Each caller can stop waiting with its own signal; the work itself is aborted only
// when every caller has stopped waiting.

interface Flight<T> { promise: Promise<T>; controller: AbortController; waiters: number }

export class SharedFlight<T> {
  private current: Flight<T> | undefined;

  /** Joins the running work, or starts `work` with a signal that aborts once all waiters have left. */
  run(work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let flight = this.current;
    if (!flight) {
      const controller = new AbortController();
      const started: Flight<T> = { promise: Promise.resolve().then(() => work(controller.signal)), controller, waiters: 0 };
      started.promise.then(
        () => this.end(started),
        () => this.end(started),
      );
      this.current = flight = started;
    }
    const f = flight;
    f.waiters++;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const leave = () => {
        settled = true;
        f.waiters--;
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        if (settled) return;
        leave();
        if (f.waiters === 0) {
          // Nobody waits any more: stop the work, and let the next caller start afresh.
          this.end(f);
          f.controller.abort(signal!.reason);
        }
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      f.promise.then(
        (value) => {
          if (settled) return;
          leave();
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          leave();
          reject(error);
        },
      );
    });
  }

  private end(flight: Flight<T>): void {
    if (this.current === flight) this.current = undefined;
  }
}
