// A simulated clock for tests against real loopback servers: time stands still while a request is
// in flight and jumps to the next sleeper's wake-up time once nothing is in flight. So a test of
// minutes of Adobe time (1 s throttle steps, 4 s polls, Retry-After) runs in milliseconds, and the
// server, which reads the same clock, sees the times the client meant.
// The service's wall clock can also step (`stepWall`: NTP setting back a clock that ran ahead) or
// the machine sleep (`suspend`: the wall clock and Adobe's time move on, the monotonic clock and
// the timers do not), while Adobe's clock (`host()`) stays right.
import type { Clock } from '../../../packages/client/src/clock.ts';

interface Sleeper { at: number; seq: number; resolve: () => void; reject: (reason: unknown) => void; signal?: AbortSignal; onAbort?: () => void }

export class SimClock implements Clock {
  /** Adobe's time, which is right. */
  private t: number;
  /** How far the service's wall clock was stepped from it. */
  private offset = 0;
  /** How long the service's machine slept: its monotonic clock and its timers stood still. */
  private suspended = 0;
  private seq = 0;
  private busy = 0;
  private scheduled = false;
  private readonly sleepers: Sleeper[] = [];
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[] = [];

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t + this.offset;
  }

  monotonic(): number {
    return this.t - this.suspended;
  }

  /** Adobe's clock (for the fake host): it neither steps nor sleeps with the service's machine. */
  host(): Clock {
    return { now: () => this.t, sleep: (ms, signal) => this.sleep(ms, signal) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      const s: Sleeper = { at: this.monotonic() + Math.max(0, ms), seq: this.seq++, resolve, reject };
      if (signal) {
        s.signal = signal;
        s.onAbort = () => {
          this.sleepers.splice(this.sleepers.indexOf(s), 1);
          reject(signal.reason);
          this.schedule();
        };
        signal.addEventListener('abort', s.onAbort, { once: true });
      }
      this.sleepers.push(s);
      this.schedule();
    });
  }

  /** Moves time forward by hand. */
  advance(ms: number): void {
    this.t += ms;
    this.schedule();
  }

  /** The service's wall clock steps by `ms` (negative: back); nothing else moves. */
  stepWall(ms: number): void {
    this.offset += ms;
  }

  /** The service's machine sleeps for `ms`: Adobe's time and the wall clock move on, its monotonic clock and timers do not. */
  suspend(ms: number): void {
    this.t += ms;
    this.suspended += ms;
  }

  /** A fetch that holds the clock still until the response headers arrive. */
  holding(fetch: (request: Request) => Promise<Response> = (r) => globalThis.fetch(r)): (request: Request) => Promise<Response> {
    return (request) => {
      this.busy++;
      return fetch(request).finally(() => {
        this.busy--;
        this.schedule();
      });
    };
  }

  /** Wakes the earliest sleepers once the process has been idle (no request in flight) for a few turns. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const check = (quietTurns: number) =>
      setImmediate(() => {
        if (this.busy > 0 || this.sleepers.length === 0) {
          this.scheduled = false;
          return;
        }
        if (quietTurns < 3) return check(quietTurns + 1);
        this.scheduled = false;
        const next = Math.min(...this.sleepers.map((s) => s.at));
        this.t = Math.max(this.t, next + this.suspended);
        const due = this.sleepers.filter((s) => s.at <= this.monotonic()).sort((a, b) => a.at - b.at || a.seq - b.seq);
        for (const s of due) {
          this.sleepers.splice(this.sleepers.indexOf(s), 1);
          if (s.onAbort) s.signal!.removeEventListener('abort', s.onAbort);
          s.resolve();
        }
        this.schedule();
      });
    check(0);
  }
}
