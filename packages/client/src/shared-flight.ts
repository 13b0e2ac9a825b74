// One piece of work shared by every caller who asks while it runs (e.g. one token request for
// twenty calls). Each caller can stop waiting with its own signal; the work itself is aborted only
// when every caller has stopped waiting.
import { waitOrAbort } from './abort.ts';

interface Flight<T> { promise: Promise<T>; controller: AbortController; waiters: number }

export class SharedFlight<T> {
  private current: Flight<T> | undefined;

  /** Whether work is running (a caller now would join it rather than start one). */
  get running(): boolean {
    return this.current !== undefined;
  }

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
    // Every caller counts, those without a signal too: they never leave, so the work runs for them.
    f.waiters++;
    if (!signal) return f.promise;
    const leave = () => {
      if (--f.waiters > 0) return;
      // Nobody waits any more: stop the work, and let the next caller start afresh.
      this.end(f);
      f.controller.abort(signal.reason);
    };
    signal.addEventListener('abort', leave, { once: true });
    return waitOrAbort(f.promise, signal).finally(() => signal.removeEventListener('abort', leave));
  }

  private end(flight: Flight<T>): void {
    if (this.current === flight) this.current = undefined;
  }
}

/**
 * A SharedFlight per key (a token to renew, a platform's configuration, a device's question): the
 * callers asking for one key while its work runs share it, and a key is forgotten once its work
 * has ended, so the map holds only what is under way.
 */
export class SharedFlights<T> {
  private readonly flights = new Map<string, SharedFlight<T>>();

  /** Whether work for `key` is running. */
  running(key: string): boolean {
    return this.flights.get(key)?.running === true;
  }

  /** Keys with work under way. */
  get size(): number {
    return this.flights.size;
  }

  /** Joins the work running for `key` (`joined`), or starts `work` for it; as `SharedFlight.run`. */
  run(key: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): { joined: boolean; answer: Promise<T> } {
    let flight = this.flights.get(key);
    const joined = flight?.running === true;
    if (!flight) this.flights.set(key, (flight = new SharedFlight<T>()));
    const current = flight;
    const answer = current.run(work, signal);
    const forget = () => {
      if (!current.running && this.flights.get(key) === current) this.flights.delete(key);
    };
    answer.then(forget, forget);
    return { joined, answer };
  }
}
