// One piece of work for many waiters: joined while it runs, aborted only when every waiter has left.
import { describe, expect, it } from 'vitest';
import { SharedFlight } from '../../packages/client/src/shared-flight.ts';
import { rejection } from './support/pass.ts';

/** Work that resolves when told to, and records how often it started and whether its signal aborted. */
function controllable() {
  const seen = { starts: 0, aborted: [] as unknown[] };
  let finish!: (value: string) => void;
  const work = (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      seen.starts++;
      finish = resolve;
      const onAbort = () => {
        seen.aborted.push(signal.reason);
        reject(signal.reason);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort);
    });
  return { seen, work, finish: (value: string) => finish(value) };
}

describe('SharedFlight', () => {
  it('runs the work once for every caller that asks while it runs', async () => {
    const flight = new SharedFlight<string>();
    const w = controllable();
    const answers = Promise.all([flight.run(w.work), flight.run(w.work, new AbortController().signal), flight.run(w.work)]);
    await Promise.resolve();
    w.finish('token');
    expect(await answers).toEqual(['token', 'token', 'token']);
    expect(w.seen.starts).toBe(1);
  });

  it('keeps the work going for a caller without a signal when the others leave', async () => {
    const flight = new SharedFlight<string>();
    const w = controllable();
    const leaving = new AbortController();
    const left = flight.run(w.work, leaving.signal);
    const staying = flight.run(w.work);
    await Promise.resolve();
    expect(w.seen.starts).toBe(1);
    leaving.abort(new Error('left'));
    expect((await rejection(left)).message).toBe('left');
    w.finish('token');
    expect(await staying).toBe('token');
    expect(w.seen.aborted).toEqual([]);
  });

  it('aborts the work with the last reason once every caller has left, and starts afresh after', async () => {
    const flight = new SharedFlight<string>();
    const w = controllable();
    const [a, b] = [new AbortController(), new AbortController()];
    const pending = [flight.run(w.work, a.signal), flight.run(w.work, b.signal)];
    await Promise.resolve();
    a.abort(new Error('a left'));
    expect(w.seen.aborted).toEqual([]);
    b.abort(new Error('b left'));
    expect((await Promise.allSettled(pending)).map((r) => (r as PromiseRejectedResult).reason.message)).toEqual(['a left', 'b left']);
    expect((w.seen.aborted[0] as Error).message).toBe('b left');
    const next = flight.run(w.work);
    await Promise.resolve();
    w.finish('fresh');
    expect(await next).toBe('fresh');
    expect(w.seen.starts).toBe(2);
  });

  it('refuses at once a caller whose signal has already aborted', async () => {
    const flight = new SharedFlight<string>();
    const w = controllable();
    expect((await rejection(flight.run(w.work, AbortSignal.abort(new Error('too late'))))).message).toBe('too late');
    expect(w.seen.starts).toBe(0);
  });
});
