// `limit: true` keeps every device under Adobe's throttle however its page is read, with network
// jitter in between: zero 429s from a host enforcing 1 request/s after a burst of 10 per device.
import { afterEach, describe, expect, it } from 'vitest';
import { PassError, systemClock, type DeviceLimiterOptions, type LogEntry } from '../../../packages/client/src/index.ts';
import { startFakeAdobe, type FakeAdobe } from '../support/fake-adobe.ts';
import { headerFor, logout, passFor } from '../support/pass.ts';
import { SimClock } from '../support/sim-clock.ts';
import { mulberry32 } from '../../support/prng.ts';
import { fixedWindowAfterBurst, tokenBucket, type ThrottleModel } from '../support/throttle-models.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());

const DEVICES = 4;
/** Network variation the host adds to each arrival (a fresh TLS handshake against a reused connection, queueing). */
const JITTER_MS = 400;

const readings: [string, () => ThrottleModel][] = [
  ['token bucket', () => tokenBucket(10, 1)],
  ['fixed windows', () => fixedWindowAfterBurst(10, 0)],
  ['fixed windows, offset', () => fixedWindowAfterBurst(10, 700)],
];

/**
 * Each device: 10 calls at once (app start), 20 one after another, 20 s of quiet, 10 at once again.
 * Returns what the host saw and what the logger saw.
 */
async function run(model: ThrottleModel, limit: boolean | DeviceLimiterOptions, seed: number) {
  const clock = new SimClock();
  adobe = await startFakeAdobe({ clock, throttle: { model, jitterMs: JITTER_MS, random: mulberry32(seed) } });
  const entries: LogEntry[] = [];
  const { pass } = passFor(adobe, { limit, logger: (e) => entries.push(e) });
  const call = (h: ReturnType<typeof headerFor>) => logout(pass, h).catch((e: unknown) => (e instanceof PassError ? undefined : Promise.reject(e)));
  const started = clock.now();
  await Promise.all(
    Array.from({ length: DEVICES }, async (_, i) => {
      const h = headerFor(`203.0.113.${i + 1}`);
      await Promise.all(Array.from({ length: 10 }, () => call(h)));
      for (let n = 0; n < 20; n++) await call(h);
      await clock.sleep(20_000);
      await Promise.all(Array.from({ length: 10 }, () => call(h)));
    }),
  );
  const api = adobe.hits.filter((h) => h.op === 'logout');
  const waits = entries.filter((e): e is Extract<LogEntry, { event: 'wait' }> => e.event === 'wait' && e.reason === 'throttle');
  return {
    requests: api.length,
    throttled: api.filter((h) => h.status === 429).length,
    waits: waits.length,
    waitedS: Math.round(waits.reduce((n, w) => n + w.ms, 0) / 1000),
    virtualS: Math.round((clock.now() - started) / 1000),
  };
}

describe('client-side limiter', () => {
  it.each(readings)('causes zero 429s under the %s reading, with 0–400 ms of jitter', async (name, model) => {
    const r = await run(model(), true, 7);
    console.info(`limit: true vs ${name}: ${r.requests} requests from ${DEVICES} devices, ${r.throttled} × 429, ${r.waits} throttle waits (${r.waitedS} s in all), ${r.virtualS} s of Adobe time`);
    expect(r.requests).toBe(DEVICES * 40);
    expect(r.throttled).toBe(0);
  });

  it.each(readings.slice(0, 2))('needs its margin: without it the %s reading answers 429s', async (name, model) => {
    const r = await run(model(), { marginMs: 0 }, 7);
    console.info(`limit: { marginMs: 0 } vs ${name}: ${r.throttled} × 429 in ${r.requests} requests`);
    expect(r.throttled).toBeGreaterThan(0);
  });

  it('needs the burst of 10, not 11: "1 + 10" draws 429s from the token bucket', async () => {
    const r = await run(tokenBucket(10, 1), { burst: 11 }, 7);
    expect(r.throttled).toBeGreaterThan(0);
  });

  it('without the limiter, the same load draws many 429s (and the client waits them out)', async () => {
    const r = await run(tokenBucket(10, 1), false, 7);
    console.info(`no limiter vs token bucket: ${r.throttled} × 429 in ${r.requests} requests`);
    expect(r.throttled).toBeGreaterThan(DEVICES);
  });

  it('keeps a device under both readings at once in real time (12 calls, ≈ 3 s)', async () => {
    const bucket = tokenBucket(10, 1);
    const windows = fixedWindowAfterBurst(10, 0);
    const both: ThrottleModel = { name: 'both', admit: (key, at) => bucket.admit(key, at) && windows.admit(key, at) };
    adobe = await startFakeAdobe({ clock: systemClock, throttle: { model: both } });
    const { pass } = passFor(adobe, { limit: true });
    const h = headerFor('198.51.100.20');
    await Promise.all(Array.from({ length: 10 }, () => logout(pass, h)));
    for (let n = 0; n < 2; n++) await logout(pass, h);
    const api = adobe.hits.filter((x) => x.op === 'logout');
    expect(api).toHaveLength(12);
    expect(api.filter((x) => x.status === 429)).toEqual([]);
  }, 15_000);
});
