// A front end that drops connections idle for a while, without announcing it, loses the race with
// the client's next request on them (tests/support/idle-closing-front.ts). A GET that met a
// connection closed under it is sent again, once, on a new one; a POST is not.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createPassClient, DcrTokenManager, PassNetworkError, systemClock, type DcrOptions, type LogEntry } from '../../../packages/client/src/index.ts';
import { STATEMENT, startFakeAdobe, type FakeAdobe } from '../support/fake-adobe.ts';
import { startIdleClosingFront, type IdleClosingFront } from '../../support/idle-closing-front.ts';
import { configuration, deviceInfo, header, passFor, rejection } from '../support/pass.ts';

// Long enough that no pause inside one call (register, token, request) reaches it on a busy machine.
const IDLE_MS = 300;
let adobe: FakeAdobe;
let front: IdleClosingFront | undefined;
afterEach(async () => {
  await front?.close();
  front = undefined;
  await adobe?.close();
});

async function behindFront(o: Parameters<typeof passFor>[1] = {}) {
  adobe = await startFakeAdobe({ clock: systemClock });
  front = await startIdleClosingFront(adobe.baseUrl, IDLE_MS);
  return passFor(adobe, { baseUrl: front.url, ...o });
}

describe('a connection the host dropped while it sat idle in the pool', () => {
  it('sends a GET again, once, on a new connection: every call after a pause succeeds', async () => {
    const { pass, entries } = await behindFront();
    const CALLS = 6;
    for (let i = 0; i < CALLS; i++) {
      await sleep(IDLE_MS + 50);
      const { response } = await configuration(pass, { cache: 'no-store' });
      expect(response.status).toBe(200);
    }
    // The first call registered and got a token on a fresh connection; every later call met a
    // pooled connection the front end had given up on, and each drop cost one re-send.
    expect(front!.dropped()).toBeGreaterThanOrEqual(CALLS - 1);
    expect(adobe.count('configuration')).toBe(CALLS);
    const reconnects = entries.filter((e) => e.event === 'attempt' && e.reason === 'reconnect');
    expect(reconnects).toHaveLength(front!.dropped());
    expect(reconnects.filter((e) => e.event === 'attempt' && e.operation === '/api/v2/{serviceProvider}/configuration' && e.method === 'GET' && e.attempt === 2 && e.status === 200)).toHaveLength(CALLS - 1);
  });

  it('a pool of them: bursts of calls after a pause all succeed', async () => {
    const { pass } = await behindFront();
    const BURST = 8;
    for (let round = 0; round < 4; round++) {
      await sleep(IDLE_MS + 50);
      const answers = await Promise.all(Array.from({ length: BURST }, () => configuration(pass, { cache: 'no-store' })));
      expect(answers.map((a) => a.response.status)).toEqual(Array(BURST).fill(200));
    }
    expect(front!.dropped()).toBeGreaterThan(0);
  });

  it('a pool of idle connections the front end closes together: one call after the pause still succeeds', async () => {
    const { pass } = await behindFront();
    for (let round = 0; round < 5; round++) {
      // Four connections in the pool, all idle past the front end's limit.
      await Promise.all(Array.from({ length: 4 }, () => configuration(pass, { cache: 'no-store' })));
      await sleep(IDLE_MS + 50);
      expect((await configuration(pass, { cache: 'no-store' })).response.status).toBe(200);
    }
  });

  it('does not send a POST again: a session request on a dropped connection fails with PassNetworkError', async () => {
    const { pass } = await behindFront();
    await configuration(pass, { cache: 'no-store' });
    await sleep(IDLE_MS + 50);
    const error = await rejection(pass.POST('/api/v2/{serviceProvider}/sessions', { params: { path: { serviceProvider: 'REF30' }, header }, body: { mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: 'https://adobe.com' } }));
    expect(error).toBeInstanceOf(PassNetworkError);
    expect(adobe.count('sessions')).toBe(0);
    expect(front!.dropped()).toBe(1);
  });

  it('sends nothing again with retry: false', async () => {
    const { pass } = await behindFront({ retry: false });
    await configuration(pass, { cache: 'no-store' });
    await sleep(IDLE_MS + 50);
    expect(await rejection(configuration(pass, { cache: 'no-store' }))).toBeInstanceOf(PassNetworkError);
    expect(adobe.count('configuration')).toBe(1);
  });
});

describe('DCR requests on a dropped connection', () => {
  it('sends a token request again (it only gets another token)', async () => {
    adobe = await startFakeAdobe({ tokenLifetimeS: 3600 });
    front = await startIdleClosingFront(adobe.baseUrl, IDLE_MS);
    const { pass, clock, entries } = passFor(adobe, { baseUrl: front.url });
    await configuration(pass, { cache: 'no-store' });
    // The token runs out; the next call's first request is a token request, on a pooled connection
    // the front end has given up on.
    clock.advance(3600_000);
    await sleep(IDLE_MS + 50);
    expect((await configuration(pass, { cache: 'no-store' })).response.status).toBe(200);
    expect(entries).toContainEqual(expect.objectContaining({ event: 'attempt', method: 'POST', operation: '/o/client/token', reason: 'reconnect', status: 201 }));
    // The configuration request may meet a second pooled connection the front end gave up on.
    expect(front!.dropped()).toBeGreaterThanOrEqual(1);
    expect(adobe.tokensIssued()).toBe(2);
    expect(adobe.registrations()).toBe(1);
  });

  it('does not send a registration again (a second one would be a second client)', async () => {
    adobe = await startFakeAdobe({ clock: systemClock });
    front = await startIdleClosingFront(adobe.baseUrl, IDLE_MS);
    const manager = (o: Partial<DcrOptions> = {}) => new DcrTokenManager({ baseUrl: front!.url, softwareStatement: STATEMENT, deviceInfo, ...o });
    await manager().getAccessToken();
    await sleep(IDLE_MS + 50);
    expect(await rejection(manager().getAccessToken())).toBeInstanceOf(PassNetworkError);
    expect(front!.dropped()).toBe(1);
    expect(adobe.registrations()).toBe(1);
  });
});

describe('a host that closes every connection unanswered', () => {
  it('is asked twice, not more, and the call fails with PassNetworkError', async () => {
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { configuration: () => ({ destroy: true }) } });
    const { pass, entries } = passFor(adobe);
    const error = await rejection(configuration(pass));
    expect(error).toBeInstanceOf(PassNetworkError);
    expect(adobe.count('configuration')).toBe(2);
    const attempts = entries.filter((e) => e.event === 'attempt' && e.operation === '/api/v2/{serviceProvider}/configuration');
    expect(attempts.map((e) => e.event === 'attempt' && e.reason)).toEqual(['first', 'reconnect']);
  });

  it('is asked once when the connection was refused (nobody there: asking again at once changes nothing)', async () => {
    adobe = await startFakeAdobe({ clock: systemClock });
    const baseUrl = adobe.baseUrl;
    await adobe.close();
    const entries: LogEntry[] = [];
    const tokens = { getAccessToken: async () => 'a-token', invalidate: async () => {} };
    const pass = createPassClient({ baseUrl, tokens, logger: (e) => entries.push(e) });
    expect(await rejection(configuration(pass))).toMatchObject({ causeCode: 'ECONNREFUSED' });
    expect(entries.filter((e) => e.event === 'attempt')).toHaveLength(1);
  });
});
