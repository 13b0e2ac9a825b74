// The control API: reset, state without secrets, the virtual clock, and clear errors on bad input.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authenticated, DEVICE_INFO, device, SP, startTestSimulator, type TestSimulator } from './support.ts';

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.close());
beforeEach(() => t.reset());

describe('control API', () => {
  it('lists its endpoints', async () => {
    const r = await t.call('GET', '/_sim', { unchecked: true });
    expect(Object.keys(r.body.endpoints)).toEqual(expect.arrayContaining(['POST /_sim/reset', 'GET /_sim/state[?namespace=profiles]']));
  });

  it('shows state without client secrets or tokens (not even a prefix), and reset forgets it', async () => {
    const reg = await t.call('POST', '/o/client/register', { headers: { 'X-Device-Info': DEVICE_INFO }, json: { software_statement: t.scenario.softwareStatements[0]!.statement } });
    const tok = await t.call('POST', '/o/client/token', { headers: { 'X-Device-Info': DEVICE_INFO }, form: { client_id: reg.body.client_id, client_secret: reg.body.client_secret, grant_type: 'client_credentials' } });
    const token = tok.body.access_token as string;
    const { body: auth } = await t.call('POST', `/api/v2/${SP}/decisions/authorize/ATTOTT`, { token, headers: device(1), json: { resources: ['REF30'] } });
    const state = await t.call('GET', '/_sim/state', { unchecked: true });
    expect(Object.keys(state.body.state.clients)).toEqual([reg.body.client_id]);
    expect(Object.keys(state.body.state.profiles)).toHaveLength(1);
    for (const secret of [reg.body.client_secret as string, token, auth.decisions[0].token.serializedToken as string]) {
      for (const piece of [secret, secret.slice(0, 6), secret.slice(-6)]) expect(state.text).not.toContain(piece);
    }
    expect((await t.call('GET', '/_sim/state?namespace=clients', { unchecked: true })).body.state).toEqual({ clients: { [reg.body.client_id]: expect.objectContaining({ clientSecret: '[redacted]' }) } });
    expect(await t.call('GET', '/_sim/state?namespace=nope', { unchecked: true })).toMatchObject({ status: 400, body: { error: expect.stringContaining('namespace must be one of') } });
    await t.reset();
    const after = await t.call('GET', '/_sim/state', { unchecked: true });
    expect(after.body.state.clients).toEqual({});
    expect(await t.call('GET', `/api/v2/${SP}/configuration`, { token })).toMatchObject({ status: 401 });
  });

  it('moves the clock forward only, with durations or milliseconds', async () => {
    const before = (await t.call('GET', '/_sim/clock', { unchecked: true })).body;
    expect(before.offsetMs).toBe(0);
    expect((await t.call('POST', '/_sim/clock', { json: { advance: '1h' }, unchecked: true })).body.offsetMs).toBe(3_600_000);
    expect((await t.call('POST', '/_sim/clock', { json: { advance: 500 }, unchecked: true })).body.offsetMs).toBe(3_600_500);
    expect(await t.call('POST', '/_sim/clock', { json: { advance: -5 }, unchecked: true })).toMatchObject({ status: 400, body: { error: expect.stringContaining('"advance"') } });
    expect(await t.call('POST', '/_sim/clock', { json: { advance: 'soon' }, unchecked: true })).toMatchObject({ status: 400 });
    expect(await t.call('POST', '/_sim/clock', { headers: { 'Content-Type': 'application/json' }, unchecked: true, json: undefined })).toMatchObject({ status: 400 });
  });

  it('refuses to move the clock past the last date JavaScript represents, and keeps its time', async () => {
    // A typo such as "999999999999999999999d" took simulated time to 8.64e28 ms, where every date it writes is invalid.
    const before = (await t.call('GET', '/_sim/clock', { unchecked: true })).body.offsetMs as number;
    for (const advance of ['999999999999999999999d', 1e308]) {
      expect(await t.call('POST', '/_sim/clock', { json: { advance }, unchecked: true })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^cannot advance the clock by \S+ ms: simulated time would pass the last date JavaScript represents/) } });
    }
    expect((await t.call('GET', '/_sim/clock', { unchecked: true })).body.offsetMs).toBe(before);
    expect(new Date((await t.call('GET', '/_sim/clock', { unchecked: true })).body.now as number).toISOString()).toMatch(/^\d{4}-/);
  });

  it('answers unknown endpoints and malformed JSON with a message', async () => {
    expect(await t.call('GET', '/_sim/nothing', { unchecked: true })).toMatchObject({ status: 404, body: { error: expect.stringContaining('GET /_sim lists them') } });
    const bad = await fetch(`${t.url}/_sim/faults`, { method: 'PUT', body: '{', headers: { 'Content-Type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^body is not JSON/);
  });

  it('gives a SAML response only for a scenario user of that MVPD', async () => {
    expect((await t.call('POST', '/_sim/partner/Apple/saml-response', { json: { mvpd: 'Cablevision', username: 'alice' }, unchecked: true })).status).toBe(200);
    expect((await t.call('POST', '/_sim/partner/Apple/saml-response', { json: { mvpd: 'Cablevision', username: 'bob' }, unchecked: true })).status).toBe(404);
    expect((await t.call('POST', '/_sim/partner/Apple/saml-response', { json: {}, unchecked: true })).status).toBe(400);
  });

  it('reports counts and memory', async () => {
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password');
    const stats = await t.call('GET', '/_sim/stats', { unchecked: true });
    expect(stats.body.counts).toMatchObject({ profiles: 1, sessions: 1, clients: 1, tokens: 1 });
    expect(stats.body.memory.heapUsed).toBeGreaterThan(0);
  });
});

describe('determinism', () => {
  it('replays the same codes, ids and error traces from the same seed after a reset', async () => {
    const codes = async () => {
      await t.reset();
      const token = await t.token();
      const out: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { body } = await t.call('POST', `/api/v2/${SP}/sessions`, { token, headers: device(1), form: {} });
        out.push(body.code, body.sessionId);
        // An invalid request: its enhanced error's trace comes from the same seeded stream.
        const refused = await t.call('POST', `/api/v2/${SP}/sessions`, { token, headers: { 'X-Device-Info': DEVICE_INFO }, form: {} });
        expect(refused.body.code).toBe('invalid_header_device_identifier');
        out.push(refused.body.trace);
      }
      return out;
    };
    const a = await codes();
    expect(new Set(a).size).toBe(9);
    expect(await codes()).toEqual(a);
  });
});
