// Decisions within the per-request limits, item-level `retry` re-requested for those items only,
// permits served from the cache while valid — against a loopback host.
import { afterEach, describe, expect, it } from 'vitest';
import { chunk, PassError, retrieveDecisions } from '../../../packages/client/src/index.ts';
import { startFakeAdobe, type FakeAdobe, type Hit } from '../support/fake-adobe.ts';
import { header, passFor } from '../support/pass.ts';

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
