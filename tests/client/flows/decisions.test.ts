// Decisions within the per-request limits, item-level `retry` re-requested for those items only,
// permits served from the cache while valid — against a loopback host.
import { afterEach, describe, expect, it } from 'vitest';
import { chunk, PassError, retrieveDecisions } from '../../../packages/client/src/index.ts';
import { startFakeAdobe, type FakeAdobe, type Hit } from '../support/fake-adobe.ts';
import { header, headerFor, passFor, rejection } from '../support/pass.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());

const itemError = (action: string, code: string) => ({ action, status: 403, code, message: 'm', helpUrl: 'https://experienceleague.adobe.com/' });
/** A preauthorization answer: `deny-*` denied by the MVPD, `flaky-*` an item-level retry while `flaky` says so. */
const decide = (flaky: (resource: string) => boolean) => (hit: Hit) => {
  const { resources } = JSON.parse(hit.body) as { resources: string[] };
  return {
    json: {
      decisions: resources.map((resource) =>
        resource.startsWith('deny')
          ? { resource, serviceProvider: 'REF30', mvpd: 'Cablevision', source: 'mvpd', authorized: false, error: itemError('none', 'preauthorization_denied_by_mvpd') }
          : flaky(resource)
            ? { resource, serviceProvider: 'REF30', mvpd: 'Cablevision', source: 'mvpd', authorized: false, error: itemError('retry', 'network_connection_timeout') }
            : { resource, serviceProvider: 'REF30', mvpd: 'Cablevision', source: 'mvpd', authorized: true },
      ),
    },
  };
};
const sent = (op: 'preauthorize' | 'authorize') => adobe.hits.filter((h) => h.op === op).map((h) => (JSON.parse(h.body) as { resources: string[] }).resources);

describe('retrieveDecisions', () => {
  it('splits preauthorization into requests of at most 5 and keeps item-level errors per resource', async () => {
    adobe = await startFakeAdobe({ overrides: { preauthorize: decide(() => false) } });
    const { pass } = passFor(adobe);
    const resources = ['a', 'b', 'deny-c', 'd', 'e', 'f', 'g', 'h', 'deny-i', 'j', 'k', 'l'];
    const result = await retrieveDecisions(pass, { kind: 'preauthorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources, headers: header });
    expect(sent('preauthorize').map((r) => r.length)).toEqual([5, 5, 2]);
    expect(Object.keys(result.decisions).sort()).toEqual([...resources].sort());
    expect(result.decisions['deny-c']).toMatchObject({ authorized: false, error: { code: 'preauthorization_denied_by_mvpd' } });
  });

  it('re-requests only the items whose error says retry, after a backoff, until they are answered', async () => {
    // The MVPD times out on the flaky items in the first two requests, then answers.
    adobe = await startFakeAdobe({ overrides: { preauthorize: (hit, n) => decide((r) => r.startsWith('flaky') && n < 3)(hit) } });
    const { pass } = passFor(adobe);
    const result = await retrieveDecisions(pass, { kind: 'preauthorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['a', 'flaky-1', 'deny-b', 'flaky-2', 'c'], headers: header, clock: adobe.clock, random: () => 1 });
    expect(sent('preauthorize')).toEqual([['a', 'flaky-1', 'deny-b', 'flaky-2', 'c'], ['flaky-1', 'flaky-2'], ['flaky-1', 'flaky-2']]);
    expect(result.decisions['flaky-1']?.authorized).toBe(true);
    expect(result.requests).toBe(3);
    const at = adobe.hits.filter((h) => h.op === 'preauthorize').map((h) => h.at);
    expect([at[1]! - at[0]!, at[2]! - at[1]!]).toEqual([500, 1000]);
  });

  it('backs off on the client\'s clock when given none of its own', async () => {
    // A service that gives createPassClient a clock (simulated time in its own tests) gets it in the flows too.
    adobe = await startFakeAdobe({ overrides: { preauthorize: (hit, n) => decide((r) => r.startsWith('flaky') && n < 2)(hit) } });
    const { pass } = passFor(adobe);
    await retrieveDecisions(pass, { kind: 'preauthorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['a', 'flaky-1'], headers: header, random: () => 1 });
    const at = adobe.hits.filter((h) => h.op === 'preauthorize').map((h) => h.at);
    expect(at[1]! - at[0]!).toBe(500);
  });

  it('stops re-requesting after 2 rounds and keeps the retry error as the decision', async () => {
    adobe = await startFakeAdobe({ overrides: { preauthorize: decide((r) => r.startsWith('flaky')) } });
    const { pass } = passFor(adobe);
    const result = await retrieveDecisions(pass, { kind: 'preauthorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['a', 'flaky-1'], headers: header, clock: adobe.clock });
    expect(sent('preauthorize')).toEqual([['a', 'flaky-1'], ['flaky-1'], ['flaky-1']]);
    expect(result.decisions['flaky-1']).toMatchObject({ authorized: false, error: { action: 'retry' } });
  });

  it('sends one resource per authorization request and records a failed request per resource', async () => {
    adobe = await startFakeAdobe({ overrides: { authorize: (hit) => (hit.body.includes('"b"') ? { status: 403, json: itemError('authentication', 'authenticated_profile_missing') } : undefined) } });
    const { pass } = passFor(adobe);
    const result = await retrieveDecisions(pass, { kind: 'authorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['a', 'b'], headers: header });
    expect(sent('authorize')).toEqual([['a'], ['b']]);
    expect(result.failed).toEqual({ b: { httpStatus: 403, error: expect.objectContaining({ code: 'authenticated_profile_missing' }) } });
    expect(Object.keys(result.decisions)).toEqual(['a']);
  });

  it.each([
    ['no decisions', { json: {} }],
    ['decisions as an object', { json: { decisions: {} } }],
    ['a decision that is null', { json: { decisions: [null] } }],
    ['a decision without its resource', { json: { decisions: [{ authorized: true }] } }],
    ['a body of null', { json: null }],
    ['an empty body', { text: '', contentType: 'application/json' }],
  ])('a 200 with %s is a protocol error that says so (not a TypeError from inside, nor a request "failed" with HTTP 200)', async (_, reply) => {
    adobe = await startFakeAdobe({ overrides: { preauthorize: () => reply } });
    const { pass } = passFor(adobe);
    const error = await retrieveDecisions(pass, { kind: 'preauthorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['a'], headers: header }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PassError);
    expect(error).toMatchObject({ kind: 'protocol', status: 200, message: 'POST /api/v2/{serviceProvider}/decisions/preauthorize/{mvpd}: HTTP 200 without a decisions list of objects that name their resource' });
  });

  it('refuses maxItemRetries that is not a whole number (NaN never ended the rounds while the MVPD said retry)', async () => {
    adobe = await startFakeAdobe({ overrides: { preauthorize: decide(() => true) } });
    const { pass } = passFor(adobe);
    await expect(retrieveDecisions(pass, { kind: 'preauthorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['flaky-1'], headers: header, maxItemRetries: Number.NaN, clock: adobe.clock }))
      .rejects.toThrow(new RangeError('retrieveDecisions: maxItemRetries must be a whole number from 0 up, got NaN'));
    expect(sent('preauthorize')).toEqual([]);
  });

  it('rejects a non-positive chunk size', () => {
    expect(() => chunk([1], 0)).toThrow(/positive integer/);
  });
});

describe('permit cache', () => {
  it('serves preauthorization permits per device for 10 minutes, never denies, and can be skipped per call', async () => {
    adobe = await startFakeAdobe({ overrides: { preauthorize: decide(() => false) } });
    const { pass, clock } = passFor(adobe);
    const ask = (resources: string[], extra: { cache?: boolean; headers?: typeof header } = {}) =>
      retrieveDecisions(pass, { kind: 'preauthorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources, headers: extra.headers ?? header, ...(extra.cache === false ? { cache: false } : {}) });
    await ask(['a', 'deny-b']);
    const again = await ask(['a', 'deny-b', 'c']);
    expect(again.fromCache).toEqual(['a']);
    expect(sent('preauthorize')).toEqual([['a', 'deny-b'], ['deny-b', 'c']]);
    expect((await ask(['a'], { headers: { ...header, 'AP-Device-Identifier': 'fingerprint b3RoZXI=' } })).fromCache).toEqual([]);
    expect((await ask(['a'], { cache: false })).fromCache).toEqual([]);
    clock.advance(10 * 60_000);
    expect((await ask(['a'])).fromCache).toEqual([]);
    expect(sent('preauthorize')).toHaveLength(5);
  });

  it('serves an authorization permit until its media token expires, then asks again', async () => {
    adobe = await startFakeAdobe({ decisionTtlMs: 300_000 });
    const { pass, clock } = passFor(adobe);
    const ask = () => retrieveDecisions(pass, { kind: 'authorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['REF30'], headers: header });
    const first = await ask();
    clock.advance(299_999);
    const cached = await ask();
    expect(cached.fromCache).toEqual(['REF30']);
    expect(cached.decisions.REF30?.token?.serializedToken).toBe(first.decisions.REF30?.token?.serializedToken);
    clock.advance(1);
    expect((await ask()).fromCache).toEqual([]);
    expect(sent('authorize')).toHaveLength(2);
  });
});

describe('permit cache, with the service\'s clock off from Adobe\'s', () => {
  // Adobe stamps a permit with its own clock; a service whose clock is minutes off (a VM without
  // NTP, a container restored from a snapshot) must still keep it for the validity it states.
  const TOKEN_TTL = 7 * 60_000;
  const skewed = (skewMs: number) => async (hit: Hit) => {
    const { resources } = JSON.parse(hit.body) as { resources: string[] };
    const t = adobe.clock.now() + skewMs;
    return {
      json: {
        decisions: resources.map((resource) => ({
          resource, serviceProvider: 'REF30', mvpd: 'Cablevision', source: 'mvpd', authorized: true, notBefore: t, notAfter: t + 24 * 3_600_000,
          token: { notBefore: t, notAfter: t + TOKEN_TTL, serializedToken: Buffer.from(`media-${resource}-${t}`).toString('base64') },
        })),
      },
    };
  };
  const ask = (pass: ReturnType<typeof passFor>['pass']) => retrieveDecisions(pass, { kind: 'authorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['REF30'], headers: header });

  it('10 minutes behind Adobe: the media token is not handed out past its 7 minutes', async () => {
    adobe = await startFakeAdobe({ overrides: { authorize: skewed(10 * 60_000) } });
    const { pass, clock } = passFor(adobe);
    await ask(pass);
    clock.advance(TOKEN_TTL - 1);
    expect((await ask(pass)).fromCache).toEqual(['REF30']);
    clock.advance(1);
    // Adobe's notAfter is 17 minutes ahead on this clock: compared as is, the token went on being
    // handed out for 10 minutes after the verifier would refuse it.
    expect((await ask(pass)).fromCache).toEqual([]);
    expect(sent('authorize')).toHaveLength(2);
  });

  it('10 minutes ahead of Adobe: the permit is still kept for its 7 minutes (not taken as expired on arrival)', async () => {
    adobe = await startFakeAdobe({ overrides: { authorize: skewed(-10 * 60_000) } });
    const { pass, clock } = passFor(adobe);
    await ask(pass);
    clock.advance(TOKEN_TTL - 1);
    expect((await ask(pass)).fromCache).toEqual(['REF30']);
    expect(sent('authorize')).toHaveLength(1);
  });
});

describe('calls asking the same at the same time', () => {
  // A device that asks again before its first request is answered (its player retried, two views
  // started together): the second call waits for the first one's request instead of sending its own.
  const held = () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    return { gate, release };
  };
  /** Resolves once the host has seen `n` requests of `op`, then lets the calls still on their way settle. */
  const arrived = async (op: 'preauthorize' | 'authorize', n: number) => {
    const deadline = Date.now() + 5000;
    while (sent(op).length < n) {
      if (Date.now() > deadline) throw new Error(`the host saw ${sent(op).length} ${op} requests, expected ${n}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 50));
  };
  const authorize = (pass: ReturnType<typeof passFor>['pass'], o: { resources?: string[]; headers?: typeof header; signal?: AbortSignal; cache?: boolean } = {}) =>
    retrieveDecisions(pass, { kind: 'authorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: o.resources ?? ['REF30'], headers: o.headers ?? header, ...(o.signal ? { signal: o.signal } : {}), ...(o.cache === false ? { cache: false } : {}) });
  const CALLS = 8;

  it('one request for the calls of a device that ask for the same resource while it is on its way; each gets its own copy', async () => {
    const { gate, release } = held();
    adobe = await startFakeAdobe({ overrides: { authorize: async () => (await gate, undefined) } });
    const { pass } = passFor(adobe);
    const calls = Array.from({ length: CALLS }, () => authorize(pass));
    await arrived('authorize', 1);
    release();
    const results = await Promise.all(calls);
    expect(sent('authorize')).toEqual([['REF30']]);
    expect(results.map((r) => [r.requests, r.shared])).toEqual([[1, []], ...Array(CALLS - 1).fill([0, ['REF30']])]);
    const tokens = new Set(results.map((r) => r.decisions.REF30?.token?.serializedToken));
    expect(tokens.size).toBe(1);
    expect([...tokens][0]).toMatch(/^media-REF30-/);
    // A copy each: what one caller changes, the others do not see.
    results[0]!.decisions.REF30!.authorized = false;
    expect(results.slice(1).every((r) => r.decisions.REF30?.authorized === true)).toBe(true);
    expect(pass.decisionCache?.sharing).toBe(0);
    // The permit is kept as any other.
    expect((await authorize(pass)).fromCache).toEqual(['REF30']);
  });

  it('shares only the same question: other devices, other resources and calls without the cache send their own', async () => {
    const { gate, release } = held();
    adobe = await startFakeAdobe({ overrides: { preauthorize: async (hit) => (await gate, decide(() => false)(hit)) } });
    const { pass } = passFor(adobe);
    const ask = (resources: string[], headers = header, cache = true) =>
      retrieveDecisions(pass, { kind: 'preauthorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources, headers, ...(cache ? {} : { cache: false }) });
    const calls = [ask(['a', 'b']), ask(['b', 'a']), ask(['a', 'b'], headerFor('198.51.100.9')), ask(['a']), ask(['a', 'b'], header, false)];
    await arrived('preauthorize', 4);
    release();
    const results = await Promise.all(calls);
    // The same resources in another order are the same question; the other three are not.
    expect(sent('preauthorize').map((r) => r.join()).sort()).toEqual(['a', 'a,b', 'a,b', 'a,b']);
    expect(results.map((r) => r.shared)).toEqual([[], ['a', 'b'], [], [], []]);
  });

  it('shares a deny as a permit (the same question, the same answer), not a request that failed: those are asked again', async () => {
    const { gate, release } = held();
    adobe = await startFakeAdobe({ overrides: { preauthorize: async (hit, n) => (await gate, n === 1 ? { status: 500, json: itemError('none', 'internal_server_error') } : decide(() => false)(hit)) } });
    const { pass } = passFor(adobe);
    const ask = (resources: string[]) => retrieveDecisions(pass, { kind: 'preauthorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources, headers: header });
    const failing = [ask(['x']), ask(['x']), ask(['x'])];
    await arrived('preauthorize', 1);
    release();
    const results = await Promise.all(failing);
    expect(results[0]!.failed.x).toMatchObject({ httpStatus: 500 });
    // Each that waited asked on its own once the shared request failed.
    expect(results.slice(1).map((r) => [r.requests, r.decisions.x?.authorized, r.shared])).toEqual([[1, true, []], [1, true, []]]);
    expect(sent('preauthorize')).toHaveLength(3);

    const denied = [ask(['deny-y']), ask(['deny-y'])];
    const denies = await Promise.all(denied);
    expect(denies.map((r) => [r.requests, r.decisions['deny-y']?.authorized, r.shared])).toEqual([[1, false, []], [0, false, ['deny-y']]]);
    expect(sent('preauthorize')).toHaveLength(4);
  });

  it('keeps the request going for the others when the call that sent it gives up; one that waited leaves with its own reason', async () => {
    const { gate, release } = held();
    adobe = await startFakeAdobe({ overrides: { authorize: async () => (await gate, undefined) } });
    const { pass } = passFor(adobe);
    const first = new AbortController();
    const starter = authorize(pass, { signal: first.signal });
    const others = Array.from({ length: 3 }, () => authorize(pass));
    const quitter = new AbortController();
    const quitting = authorize(pass, { signal: quitter.signal });
    await arrived('authorize', 1);
    first.abort(new Error('the device went away'));
    expect((await rejection(starter)).message).toBe('the device went away');
    quitter.abort(new Error('this one too'));
    expect((await rejection(quitting)).message).toBe('this one too');
    release();
    expect((await Promise.all(others)).map((r) => [r.decisions.REF30?.authorized, r.shared])).toEqual(Array(3).fill([true, ['REF30']]));
    expect(sent('authorize')).toHaveLength(1);
    expect(adobe.hits.find((h) => h.op === 'authorize')?.aborted).toBe(false);
  });

  it('cancels the request once every call waiting for it has given up, and the next call asks afresh', async () => {
    adobe = await startFakeAdobe({ overrides: { authorize: (_, n) => (n === 1 ? { hang: true } : undefined) } });
    const { pass } = passFor(adobe);
    const controllers = [new AbortController(), new AbortController()];
    const leaving = controllers.map((c) => authorize(pass, { signal: c.signal }));
    await arrived('authorize', 1);
    for (const c of controllers) c.abort(new Error('gone'));
    for (const call of leaving) expect((await rejection(call)).message).toBe('gone');
    const deadline = Date.now() + 2000;
    while (!adobe.hits.find((h) => h.op === 'authorize')?.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(adobe.hits.find((h) => h.op === 'authorize')?.aborted).toBe(true);
    expect(pass.decisionCache?.sharing).toBe(0);
    const next = await authorize(pass);
    expect([next.requests, next.decisions.REF30?.authorized]).toEqual([1, true]);
    expect(sent('authorize')).toHaveLength(2);
  });
});
