// Every action of Adobe's enhanced errors, followed: `retry` retried (bounded, jittered backoff),
// `application-registration` registers again once, the others come back to the caller unchanged.
import { afterEach, describe, expect, it } from 'vitest';
import { createPassClient, MemoryTokenStore, REREGISTER_COOLDOWN_MS, systemClock, type LogEntry } from '../../../packages/client/src/index.ts';
import { DEVICE_INFO, startTestSimulator } from '../../simulator/support.ts';
import { enhanced, startFakeAdobe, STATEMENT, type FakeAdobe } from '../support/fake-adobe.ts';
import { deviceInfo, logout, passFor, rejection } from '../support/pass.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());

const story = (entries: LogEntry[]) =>
  entries
    .filter((e) => e.operation === '/api/v2/{serviceProvider}/logout/{mvpd}')
    .map((e) => (e.event === 'attempt' ? `${e.reason} → ${e.status}` : e.event === 'wait' ? `wait ${e.reason}` : e.event));

describe('action: retry', () => {
  it('sends again after jittered, growing backoff until it succeeds', async () => {
    adobe = await startFakeAdobe({ overrides: { logout: (_, n) => (n <= 2 ? enhanced(403, 'network_connection_timeout', 'retry') : undefined) } });
    const { pass, entries } = passFor(adobe);
    const { data } = await logout(pass);
    expect(data?.logouts.Cablevision).toBeDefined();
    expect(story(entries)).toEqual(['first → 403', 'wait backoff', 'retry → 403', 'wait backoff', 'retry → 200']);
    const sent = adobe.hits.filter((h) => h.op === 'logout').map((h) => h.at);
    const waits = entries.flatMap((e) => (e.event === 'wait' ? [e.ms] : []));
    // The host saw exactly the waits the logger reported, each within its jitter range.
    expect([sent[1]! - sent[0]!, sent[2]! - sent[1]!]).toEqual(waits);
    expect(waits[0]).toBeGreaterThanOrEqual(250);
    expect(waits[0]).toBeLessThanOrEqual(500);
    expect(waits[1]).toBeGreaterThanOrEqual(500);
    expect(waits[1]).toBeLessThanOrEqual(1000);
  });

  it('stops after 2 re-sends and returns Adobe’s error unchanged', async () => {
    const reply = enhanced(403, 'maximum_execution_time_exceeded', 'retry');
    adobe = await startFakeAdobe({ overrides: { logout: () => reply } });
    const { pass } = passFor(adobe);
    const { error, response } = await logout(pass);
    expect(response.status).toBe(403);
    expect(error).toEqual((reply as { json: unknown }).json);
    expect(adobe.count('logout')).toBe(3);
  });

  it("is cancelled by the caller's signal during the backoff", async () => {
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { logout: () => enhanced(403, 'network_received_error', 'retry') } });
    const { pass, entries } = passFor(adobe, { retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    const controller = new AbortController();
    const pending = logout(pass, undefined, controller.signal);
    await expect.poll(() => entries.some((e) => e.event === 'wait')).toBe(true);
    controller.abort(new Error('user left'));
    expect((await rejection(pending)).message).toBe('user left');
    expect(adobe.count('logout')).toBe(1);
    expect(entries).toContainEqual(expect.objectContaining({ event: 'failure', stage: 'backoff' }));
  });
});

describe('action: application-registration', () => {
  it('registers again, gets a new token and sends the call once more', async () => {
    adobe = await startFakeAdobe();
    const { pass, entries } = passFor(adobe);
    await logout(pass);
    adobe.revokeRegistrations();
    const { data } = await logout(pass);
    expect(data?.logouts.Cablevision).toBeDefined();
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([2, 2]);
    expect(story(entries)).toEqual(['first → 200', 'first → 401', 're-registration → 200']);
  });

  it('registers again once for 20 concurrent calls refused at the same time', async () => {
    adobe = await startFakeAdobe();
    const { pass } = passFor(adobe);
    await logout(pass);
    adobe.revokeRegistrations();
    const answers = await Promise.all(Array.from({ length: 20 }, () => logout(pass)));
    expect(answers.every((a) => a.response.status === 200)).toBe(true);
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([2, 2]);
  });

  it('fails after one re-registration when Adobe still refuses, returning its error unchanged', async () => {
    const reply = enhanced(401, 'invalid_access_token_service_provider', 'application-registration');
    adobe = await startFakeAdobe({ overrides: { logout: () => reply } });
    const { pass } = passFor(adobe);
    const { error, response } = await logout(pass);
    expect(response.status).toBe(401);
    expect(error).toEqual((reply as { json: unknown }).json);
    expect(adobe.count('logout')).toBe(2);
    expect(adobe.registrations()).toBe(2);
  });
});

describe('a refusal that survives a new registration', () => {
  // A service provider the software statement does not cover: Adobe answers every call 401
  // invalid_access_token_service_provider with action application-registration, and registering
  // again does not change that. Before, each call registered again (5 calls: 6 registrations,
  // 6 tokens, 10 requests); Adobe wants an application to register once.
  it('registers again once, then hands the refusal back without registering or sending again, until an hour has passed', async () => {
    const reply = enhanced(401, 'invalid_access_token_service_provider', 'application-registration');
    adobe = await startFakeAdobe({ overrides: { logout: () => reply } });
    const { pass, clock, entries } = passFor(adobe);
    for (let i = 0; i < 5; i++) {
      const { error, response } = await logout(pass);
      expect(response.status).toBe(401);
      expect(error).toEqual((reply as { json: unknown }).json);
    }
    expect([adobe.registrations(), adobe.tokensIssued(), adobe.count('logout')]).toEqual([2, 2, 6]);
    expect(story(entries)).toEqual(['first → 401', 're-registration → 401', ...Array(4).fill('first → 401')]);
    // An hour later a refusal may mean the registration again: one more.
    clock.advance(REREGISTER_COOLDOWN_MS);
    await logout(pass);
    expect(adobe.registrations()).toBe(3);
  });

  it('against the simulator: a service provider outside the software statement costs one more registration, not one per call', async () => {
    // The simulator refuses a token for a service provider its statement does not list, as Adobe does.
    const seen: string[] = [];
    const sim = await startTestSimulator({
      tune: (s) => void (s.serviceProviders.REF99 = { ...s.serviceProviders.REF30!, id: 'REF99', name: 'Not in the statement' }),
      onRequest: (e) => void seen.push(`${e.operationId} ${e.status}`),
    });
    try {
      const pass = createPassClient({ baseUrl: sim.url, dcr: { softwareStatement: sim.scenario.softwareStatements[0]!.statement, deviceInfo: DEVICE_INFO } });
      for (let i = 0; i < 5; i++) {
        const { error, response } = await pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF99' }, header: { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': DEVICE_INFO } } });
        expect([response.status, (error as { code?: string } | undefined)?.code]).toEqual([401, 'invalid_access_token_service_provider']);
      }
      const count = (what: string) => seen.filter((s) => s === what).length;
      expect([count('retrieveClientCredentials 201'), count('retrieveAccessToken 201'), count('retrieveConfiguration 401')]).toEqual([2, 2, 6]);
    } finally {
      await sim.close();
    }
  });

  it('the store carries it: another instance sharing the store does not register again either', async () => {
    const reply = enhanced(401, 'invalid_access_token_service_provider', 'application-registration');
    adobe = await startFakeAdobe({ overrides: { logout: () => reply } });
    const store = new MemoryTokenStore();
    const [a, b] = [passFor(adobe, { dcr: { softwareStatement: STATEMENT, deviceInfo, store } }).pass, passFor(adobe, { dcr: { softwareStatement: STATEMENT, deviceInfo, store } }).pass];
    await logout(a);
    await logout(b);
    await logout(a);
    expect([adobe.registrations(), adobe.count('logout')]).toEqual([2, 4]);
  });
});

describe('actions the caller must handle', () => {
  it.each([
    ['authentication', 403, 'authenticated_profile_missing'],
    ['authorization', 403, 'authorization_not_found'],
    ['configuration', 500, 'invalid_configuration_platform'],
    ['none', 400, 'invalid_parameter_mvpd'],
  ] as const)('returns action %s unchanged after one request', async (action, status, code) => {
    const reply = enhanced(status, code, action, { details: 'Your subscription package does not include the "Live" channel' });
    adobe = await startFakeAdobe({ overrides: { logout: () => reply } });
    const { pass } = passFor(adobe);
    const { error, response } = await logout(pass);
    expect(response.status).toBe(status);
    expect(error).toEqual((reply as { json: unknown }).json);
    expect(adobe.count('logout')).toBe(1);
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 1]);
  });
});
