// The service's wall clock is not a stopwatch: NTP steps back a clock that ran ahead (a VM that
// booted with its hardware clock in local time, a host restored from a snapshot), and a machine
// that sleeps wakes to a wall clock hours on while its monotonic clock stood still. What the client
// keeps in memory for a span (a 429's pause, the limiter's schedule, a cached permit or
// configuration) must last that span however the wall clock moves — against a host whose own clock
// is right (Adobe's), on a simulated clock that steps.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeviceThrottle } from '../../packages/client/src/pipeline/throttle.ts';
import { DecisionCache } from '../../packages/client/src/cache/decisions.ts';
import { PassRateLimitError, retrieveDecisions } from '../../packages/client/src/index.ts';
import { enhanced, startFakeAdobe, type FakeAdobe } from './support/fake-adobe.ts';
import { configuration, header, logout, passFor, rejection } from './support/pass.ts';
import { SimClock } from './support/sim-clock.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());
afterEach(() => vi.useRealTimers());

const HOUR = 3_600_000;

/** A fake Adobe host on its own (right) clock, and a client on the service's clock, which steps. */
async function setUp(o: Parameters<typeof startFakeAdobe>[0] = {}, client: Parameters<typeof passFor>[1] = {}) {
  const clock = new SimClock();
  adobe = await startFakeAdobe({ ...o, clock: clock.host() });
  return { ...passFor(adobe, { clock, ...client }), clock };
}

const authorize = (pass: ReturnType<typeof passFor>['pass']) =>
  retrieveDecisions(pass, { kind: 'authorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['show'], headers: header });

describe('the wall clock stepping back an hour', () => {
  it("does not hold a device for an hour after a 2 s pause: the next call waits out the 429's 2 s and goes", async () => {
    const { pass, clock } = await setUp(
      { overrides: { logout: (_hit, n) => (n === 1 ? { ...enhanced(429, 'too_many_requests', 'retry'), headers: { 'Retry-After': '2' } } : undefined) } },
      { rateLimit: { maxRetries: 0 } },
    );
    expect(await rejection(logout(pass))).toBeInstanceOf(PassRateLimitError);
    clock.stepWall(-HOUR);
    const { response } = await logout(pass);
    expect(response.status).toBe(200);
    const [first, second] = adobe.hits.filter((h) => h.op === 'logout').map((h) => h.at);
    // Adobe's time between the 429 and the call that followed it: the pause, not the pause and the step.
    expect(second! - first!).toBeGreaterThanOrEqual(2000);
    expect(second! - first!).toBeLessThan(3000);
  });

  it("keeps the limiter's pace: a device past its burst sends its next call 1.5 s after the last, not an hour", async () => {
    const { pass, clock } = await setUp({}, { limit: true });
    for (let i = 0; i < 11; i++) await logout(pass);
    clock.stepWall(-HOUR);
    await logout(pass);
    const at = adobe.hits.filter((h) => h.op === 'logout').map((h) => h.at);
    expect(at).toHaveLength(12);
    expect(at[11]! - at[10]!).toBeGreaterThanOrEqual(1500);
    expect(at[11]! - at[10]!).toBeLessThan(2000);
    expect(Math.max(...clock.sleeps)).toBeLessThan(2000);
  });

  it('does not hand out a cached permit whose media token Adobe says has expired', async () => {
    // Adobe's media token: 10 minutes.
    const { pass, clock } = await setUp({ decisionTtlMs: 600_000 });
    await authorize(pass);
    clock.stepWall(-HOUR);
    clock.advance(11 * 60_000);
    const again = await authorize(pass);
    expect(adobe.count('authorize')).toBe(2);
    expect(again.decisions.show?.token?.notAfter).toBeGreaterThan(clock.host().now());
  });

  it('renews the access token once its lifetime has passed, before Adobe refuses it (and without registering again)', async () => {
    const { pass, clock } = await setUp({ expireTokens: true, tokenLifetimeS: 3600 });
    await logout(pass);
    clock.stepWall(-2 * HOUR);
    clock.advance(HOUR);
    const { response } = await logout(pass);
    expect(response.status).toBe(200);
    expect(adobe.hits.filter((h) => h.status === 401).map((h) => h.op)).toEqual([]);
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 2]);
  });

  it("logs an attempt's duration, not a negative one, when the step comes while the call is out", async () => {
    let step = () => {};
    const { pass, clock, entries } = await setUp({ overrides: { logout: () => void step() } });
    step = () => clock.stepWall(-HOUR);
    await logout(pass);
    const durations = entries.flatMap((e) => (e.event === 'attempt' && e.operation.includes('logout') ? [e.durationMs] : []));
    expect(durations).toEqual([0]);
  });

  it('asks for the configuration again once its 5 minutes have passed', async () => {
    const { pass, clock } = await setUp();
    await configuration(pass);
    clock.stepWall(-HOUR);
    clock.advance(4 * 60_000);
    await configuration(pass);
    expect(adobe.count('configuration')).toBe(1);
    clock.advance(2 * 60_000);
    await configuration(pass);
    expect(adobe.count('configuration')).toBe(2);
  });
});

describe('the machine sleeping for an hour (the wall clock moves on, the monotonic clock does not)', () => {
  it('ends a cached permit and a cached configuration that ran out while it slept', async () => {
    const { pass, clock } = await setUp({ decisionTtlMs: 600_000 });
    await authorize(pass);
    await configuration(pass);
    clock.suspend(HOUR);
    const again = await authorize(pass);
    await configuration(pass);
    expect([adobe.count('authorize'), adobe.count('configuration')]).toEqual([2, 2]);
    expect(again.decisions.show?.token?.notAfter).toBeGreaterThan(clock.host().now());
  });

  it("ends a 429's pause that ran out while it slept: the next call goes at once", async () => {
    const { pass, clock, entries } = await setUp(
      { overrides: { logout: (_hit, n) => (n === 1 ? { ...enhanced(429, 'too_many_requests', 'retry'), headers: { 'Retry-After': '30' } } : undefined) } },
      { rateLimit: { maxRetries: 0 } },
    );
    await rejection(logout(pass));
    clock.suspend(HOUR);
    const { response } = await logout(pass);
    expect(response.status).toBe(200);
    expect(entries.filter((e) => e.event === 'wait')).toEqual([]);
  });
});

describe('the wall clock stepping forward an hour', () => {
  it('errs on the safe side: cached answers are asked for again, and a pause ends early', async () => {
    const { pass, clock } = await setUp(
      { decisionTtlMs: 600_000, overrides: { logout: (_hit, n) => (n === 1 ? { ...enhanced(429, 'too_many_requests', 'retry'), headers: { 'Retry-After': '30' } } : undefined) } },
      { rateLimit: { maxRetries: 0 } },
    );
    await authorize(pass);
    await rejection(logout(pass));
    clock.stepWall(HOUR);
    await authorize(pass);
    await logout(pass);
    expect(adobe.count('authorize')).toBe(2);
    const [first, second] = adobe.hits.filter((h) => h.op === 'logout').map((h) => h.at);
    expect(second! - first!).toBeLessThan(30_000);
  });
});

describe('the system clock', () => {
  // Node's timers, performance.now() and Date faked together; setSystemTime moves Date alone, as a step does.
  const fake = () => vi.useFakeTimers({ toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout'] });

  it("measures a 429's pause on the monotonic clock when the wall clock steps back", () => {
    fake();
    const throttle = new DeviceThrottle(false);
    throttle.pause('d', 2000);
    vi.setSystemTime(Date.now() - HOUR);
    vi.advanceTimersByTime(1000);
    expect(throttle.pausedFor('d')).toBe(1000);
    vi.advanceTimersByTime(1000);
    expect(throttle.free('d')).toBe(true);
  });

  it('measures a cached permit on the wall clock when the monotonic clock stood still', () => {
    fake();
    const cache = new DecisionCache();
    const key = { kind: 'authorize' as const, device: 'd', serviceProvider: 'REF30', mvpd: 'Cablevision', resource: 'show' };
    const t = Date.now();
    cache.put(key, { resource: 'show', serviceProvider: 'REF30', mvpd: 'Cablevision', source: 'mvpd', authorized: true, notBefore: t, notAfter: t + 600_000 });
    expect(cache.get(key)).toBeDefined();
    vi.setSystemTime(t + HOUR);
    expect(cache.get(key)).toBeUndefined();
  });
});
