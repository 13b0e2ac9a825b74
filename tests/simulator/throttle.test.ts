// Adobe's throttle on the simulator, replayed against the table of Adobe's throttling page, on the
// simulator's virtual clock (no wall-clock assertion): the same device gets exactly the documented
// successes and 429s; other devices are not affected.
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/simulator/engine.ts';
import { loadScenario } from '../../src/simulator/scenario.ts';
import { MemoryStore } from '../../src/simulator/store.ts';
import { admit } from '../../src/simulator/throttle.ts';
import { sharedDescription } from './support.ts';

// "Scenario example for throttling" (features/throttling-mechanism.md): seconds since the first request → outcome.
const TABLE: [number, 200 | 429][] = [
  [0, 200], [0.3, 200], [0.6, 200], [0.9, 200], [1.2, 200], [1.3, 200], [1.4, 200], [1.5, 200], [1.6, 200], [1.7, 200], [1.8, 200],
  [2.1, 200], [2.2, 200], [2.4, 429], [2.6, 429], [2.8, 429], [3.1, 200],
];

describe("Adobe's throttle", () => {
  it('admits and refuses exactly as the throttling page\'s table', async () => {
    let now = 1_000_000;
    const store = new MemoryStore({ now: () => now });
    const outcomes: number[] = [];
    for (const [second] of TABLE) {
      now = 1_000_000 + Math.round(second * 1000);
      outcomes.push((await admit(store, '203.0.113.7', now, { ratePerSecond: 1, burst: 10 })) ? 200 : 429);
    }
    expect(outcomes).toEqual(TABLE.map(([, status]) => status));
  });

  it('answers 429 text/html with Adobe\'s page through the engine, keyed by X-Forwarded-For, on API paths only', async () => {
    const description = sharedDescription();
    const scenario = loadScenario(description);
    let base = 2_000_000;
    const sim = new Simulator({ description, scenario, clock: { now: () => base, advance: (ms) => void (base += ms), offset: () => 0, reset: () => undefined } });
    const signal = new AbortController().signal;
    const get = (xff: string, url = '/api/v2/REF30/configuration') => sim.handle({ method: 'GET', url, headers: { 'x-forwarded-for': xff }, remoteAddress: '127.0.0.1', origin: 'http://sim.test', signal });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await get('198.51.100.1')).status);
    // 1 from the limit + 10 from the burst, then throttled; every admitted one is a 401 (no token).
    expect(statuses).toEqual([...Array(11).fill(401), 429]);
    const throttled = await get('198.51.100.1');
    expect(throttled.status).toBe(429);
    expect(throttled.headers['Content-Type']).toBe('text/html');
    // The page's sample: these lines, and `content-length: 166` (openresty ends them in CRLF).
    const lines = ['<html>', '<head><title>429 Too Many Requests</title></head>', '<body>', '<center><h1>429 Too Many Requests</h1></center>', '<hr><center>openresty</center>', '</body>', '</html>'];
    expect(throttled.body!.split('\r\n')).toEqual([...lines, '']);
    expect(Buffer.byteLength(throttled.body!)).toBe(166);
    expect((await get('198.51.100.2')).status).toBe(401);
    expect((await get('198.51.100.1', '/_sim/clock')).status).toBe(200);
    expect((await get('198.51.100.1', '/o/client/token')).status).toBe(429);
    base += 1000;
    expect((await get('198.51.100.1')).status).toBe(401);
    expect((await get('198.51.100.1')).status).toBe(429);
  });
});
