// The per-call shortcuts of the pipeline answer what the long way answers: the operation of a
// request URL read without parsing it again, a call with nothing to wait for skipping the limiter,
// and the attempt count kept without a logger.
import { describe, expect, it } from 'vitest';
import { compose, DeviceThrottle, logAttempts, operations, type Call } from '../../../packages/client/src/index.ts';
import { operationMatcher } from '../../../packages/client/src/pipeline/call.ts';
import { mulberry32 } from '../../support/prng.ts';
import { virtualClock } from '../support.ts';

/**
 * The long way, written from the rule rather than from the code: parse the URL, drop the base
 * URL's path, and pick the template of the same method whose literal segments all match, the one
 * with the most literal segments first. Unknown requests keep their path.
 */
function byParsing(method: string, url: string, baseUrl: string): string {
  const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
  let path = new URL(url).pathname;
  if (prefix && path.startsWith(prefix)) path = path.slice(prefix.length);
  const segments = path.split('/').slice(1);
  const candidates = Object.keys(operations)
    .map((key) => key.split(' ') as [string, string])
    .filter(([m, p]) => m === method && p.split('/').slice(1).length === segments.length)
    .map(([, p]) => p.split('/').slice(1))
    .filter((t) => t.every((s, i) => s.startsWith('{') || s === segments[i]))
    .sort((a, b) => b.filter((s) => !s.startsWith('{')).length - a.filter((s) => !s.startsWith('{')).length);
  return candidates[0] ? `/${candidates[0].join('/')}` : path;
}

describe('the operation of a request, read from its URL', () => {
  const bases = ['http://127.0.0.1:4010', 'https://sp.auth.adobe.com', 'https://SP.Auth.Adobe.COM:443/', 'https://proxy.test/adobe/', 'http://user:pw@host.test:8080/base', 'http://[::1]:4010', 'https://proxy.test/adobe%20pass'];
  const values = ['REF30', 'Cablevision', 'a b', 'x%2Fy', 'é', '..', '', 'code', 'sso', '{mvpd}', 'A?B', 'C#D', '%'];
  const tails = ['', '?redirectUrl=https%3A%2F%2Fadobe.com', '?a=/b/c', '#frag/x', '?x#y', '?'];
  const rnd = mulberry32(21);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const keys = Object.keys(operations);

  it('agrees with parsing it, on 5,000 seeded requests as openapi-fetch builds them', () => {
    let known = 0;
    for (let i = 0; i < 5_000; i++) {
      const base = pick(bases);
      const [method, template] = pick(keys).split(' ') as [string, string];
      // Fill the template, sometimes with a literal where a parameter is, sometimes an extra segment.
      let path = template.replace(/\{[^}]+\}/g, () => encodeURIComponent(pick(values)).replace(/%25/g, '%'));
      if (rnd() < 0.1) path += `/${pick(values)}`;
      if (rnd() < 0.1) path = path.replace('/api/v2', '/api/v3');
      // What `new Request(url).url` gives (a Request refuses credentials in the URL; the parser is the same).
      const url = new URL(`${base.replace(/\/+$/, '')}${path}${pick(tails)}`).href;
      const expected = byParsing(method, url, base);
      expect(operationMatcher(base)(method, url), `${method} ${url} (base ${base})`).toBe(expected);
      if (expected in Object.fromEntries(keys.map((k) => [k.split(' ')[1], 1]))) known++;
    }
    // Most requests are for a described operation, and some are not: both branches are compared.
    expect(known).toBeGreaterThan(3_000);
    expect(known).toBeLessThan(5_000);
  });
});

describe('a call with nothing to wait for', () => {
  it('is free while the limiter is off and no 429 pause is in force, and only then', () => {
    const clock = virtualClock();
    const off = new DeviceThrottle(false, { clock });
    const on = new DeviceThrottle(true, { clock });
    expect(off.free('ip 203.0.113.7')).toBe(true);
    expect(on.free('ip 203.0.113.7')).toBe(false);
    off.pause('ip 203.0.113.7', 1500);
    expect(off.free('ip 203.0.113.7')).toBe(false);
    expect(off.free('ip 198.51.100.9')).toBe(true);
    clock.advance(1499);
    expect(off.free('ip 203.0.113.7')).toBe(false);
    clock.advance(1);
    expect(off.free('ip 203.0.113.7')).toBe(true);
  });

  it('waits what acquire would wait: nothing when free, the pause when not', async () => {
    const clock = virtualClock();
    const off = new DeviceThrottle(false, { clock });
    expect(await off.acquire('ip 203.0.113.7')).toBe(0);
    off.pause('ip 203.0.113.7', 1500);
    expect(off.free('ip 203.0.113.7')).toBe(false);
    expect(await off.acquire('ip 203.0.113.7')).toBe(1500);
    expect(off.free('ip 203.0.113.7')).toBe(true);
  });
});

describe('attempts without a logger', () => {
  it('are still counted on the call', async () => {
    const seen: number[] = [];
    const send = compose(logAttempts(undefined))(async (call) => {
      seen.push(call.attempt);
      return new Response(null, { status: 204 });
    });
    const call: Call = { method: 'GET', url: 'https://sp.auth.adobe.com/api/v2/REF30/configuration', operation: '/api/v2/{serviceProvider}/configuration', headers: new Headers(), body: undefined, signal: undefined, cache: 'default', attempt: 0, reason: 'first' };
    await send(call);
    await send(call);
    expect(seen).toEqual([1, 2]);
    expect(call.attempt).toBe(2);
  });
});
