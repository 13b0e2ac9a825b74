// Pacing against Adobe's throttle, read both ways (token bucket of 10 at 1/s; 1 request per fixed
// 1-second window after a one-time burst of 10): the check causes no 429 under either reading.
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../src/contract/pacer.ts';
import { systemClock } from '../../packages/client/src/clock.ts';
import { virtualClock } from '../client/support.ts';
import { Throttle, type Reading } from '../support/fake-adobe/throttle.ts';
import { checkAgainst } from './support.ts';

describe('the fake host enforces each reading', () => {
  it.each<[Reading, number]>([['bucket', 10], ['window', 11]])('%s: a burst is refused after %i requests', (reading, allowed) => {
    const clock = virtualClock();
    const t = new Throttle({ readings: [reading] }, clock);
    const admitted = Array.from({ length: 15 }, () => t.admit('d'));
    expect(admitted.indexOf(false)).toBe(allowed);
  });

  it('window: after the burst, two requests 0.9 s apart in one window: the second is refused', () => {
    const clock = virtualClock(0);
    const t = new Throttle({ readings: ['window'] }, clock);
    for (let i = 0; i < 11; i++) t.admit('d'); // first window: 1 free + 10 burst
    clock.advance(1000);
    expect(t.admit('d')).toBe(true);
    clock.advance(900);
    expect(t.admit('d')).toBe(false);
  });
});

describe('Pacer', () => {
  it('waits interval × 1.1 after each completed request; a 429 holds ≥ 1 s, capped', async () => {
    const clock = virtualClock(0);
    const pacer = new Pacer({ clock });
    expect(pacer.intervalMs).toBe(1100);
    const starts: number[] = [];
    for (let i = 0; i < 4; i++) {
      await pacer.turn();
      starts.push(clock.now());
      clock.advance(250); // the exchange itself
      pacer.done();
    }
    expect(starts).toEqual([0, 1350, 2700, 4050]);
    expect(pacer.holdOff(0)).toBe(1100);
    expect(pacer.holdOff(3_600_000)).toBe(30_000);
  });

  it('a wait can be cancelled', async () => {
    const pacer = new Pacer({ clock: systemClock, ratePerSecond: 0.01 });
    await pacer.turn();
    pacer.done();
    const controller = new AbortController();
    const waiting = pacer.turn(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });

  // A NaN margin made every interval NaN, and a NaN wait is no wait: no pacing at all. A rate of
  // 1e-320 made it Infinity: the second request waited for ever.
  it.each([
    [{ ratePerSecond: 1e-320 }, 'Pacer: 1000 / ratePerSecond × (1 + margin) must be a finite number of milliseconds, got Infinity'],
    [{ ratePerSecond: Number.NaN }, 'Pacer: ratePerSecond must be a finite number above 0, got NaN'],
    [{ ratePerSecond: 0 }, 'Pacer: ratePerSecond must be a finite number above 0, got 0'],
    [{ margin: Number.NaN }, 'Pacer: margin must be a finite number from 0 up, got NaN'],
    [{ margin: -0.5 }, 'Pacer: margin must be a finite number from 0 up, got -0.5'],
    [{ maxHoldMs: Number.NaN }, 'Pacer: maxHoldMs must be a finite number of milliseconds from 0 up, got NaN'],
  ])('refuses %j', (options, message) => {
    expect(() => new Pacer(options)).toThrow(message);
  });
});

describe('a whole run causes no 429', () => {
  it('against both readings at Adobe\'s rate (virtual clock): 0 throttled, every gap ≥ 1 s', async () => {
    const r = await checkAgainst({ throttle: { readings: ['bucket', 'window'] } }, { includeStateChanging: true });
    expect(r.host.throttledCount).toBe(0);
    expect(r.host.throttle!.refused).toEqual({ bucket: 0, window: 0 });
    const times = r.host.received.map((x) => x.at);
    expect(times.length).toBeGreaterThan(100);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    expect(r.result.counts.notChecked).toBe(0);
  });

  it('in real time, at a host rate of 10/s with both readings (network and timers real): 0 throttled', async () => {
    const r = await checkAgainst(
      { clock: systemClock, throttle: { readings: ['bucket', 'window'], rate: 10, burst: 10 } },
      { pace: { ratePerSecond: 10, clock: systemClock }, operations: ['retrieveConfiguration', 'retrieveProfiles', 'retrieveProfileForMvpd', 'performAuthentication'] },
    );
    expect(r.host.received.length).toBeGreaterThan(20);
    expect(r.host.throttledCount).toBe(0);
    expect(r.result.counts.notChecked).toBe(0);
    expect(r.result.counts.breaking).toBe(0);
  }, 30_000);
});
