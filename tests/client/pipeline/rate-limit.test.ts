// After a 429 the device waits (1 s, or Retry-After up to a cap) and the call is sent again, a
// bounded number of times; DCR calls follow the same rule; the caller's signal cancels the wait.
import { afterEach, describe, expect, it } from 'vitest';
import { PassRateLimitError, retryAfterMs, systemClock } from '../../../packages/client/src/index.ts';
import { startFakeAdobe, type FakeAdobe, type Reply } from '../support/fake-adobe.ts';
import { configuration, headerFor, logout, passFor, rejection } from '../support/pass.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());

/** Adobe's documented 429: an HTML page from openresty, with or without Retry-After. */
const throttled = (retryAfter?: string): Reply => ({ status: 429, html: '<html><head><title>429 Too Many Requests</title></head></html>', ...(retryAfter ? { headers: { 'Retry-After': retryAfter } } : {}) });

describe('429 handling', () => {
  it('waits the Retry-After seconds, sends again, and logs the wait and the re-send', async () => {
    adobe = await startFakeAdobe({ overrides: { logout: (_, n) => (n === 1 ? throttled('3') : undefined) } });
    const { pass, entries } = passFor(adobe);
    const { data } = await logout(pass);
    expect(data?.logouts.Cablevision?.actionName).toBe('complete');
    const sent = adobe.hits.filter((h) => h.op === 'logout');
    expect(sent.map((h) => h.at - sent[0]!.at)).toEqual([0, 3000]);
    expect(entries.filter((e) => e.operation === '/api/v2/{serviceProvider}/logout/{mvpd}').map((e) => (e.event === 'attempt' ? `${e.event} ${e.reason} ${e.status}` : e.event === 'wait' ? `wait ${e.reason} ${e.ms}` : e.event))).toEqual([
      'attempt first 429', 'wait rate-limited 3000', 'attempt rate-limited 200',
    ]);
  });

  it('waits at least 1 s after a 429 without Retry-After (Adobe’s documented answer)', async () => {
    adobe = await startFakeAdobe({ overrides: { logout: (_, n) => (n === 1 ? throttled() : undefined) } });
    const { pass } = passFor(adobe);
    await logout(pass);
    const sent = adobe.hits.filter((h) => h.op === 'logout');
    expect(sent[1]!.at - sent[0]!.at).toBe(1000);
  });

  it('fails at once with the time to retry when Retry-After is above the cap', async () => {
    adobe = await startFakeAdobe({ overrides: { logout: () => throttled('3600') } });
    const { pass, clock, entries } = passFor(adobe);
    const started = clock.now();
    const error = await rejection(logout(pass));
    expect(error).toBeInstanceOf(PassRateLimitError);
    expect((error as PassRateLimitError).retryAt).toBe(started + 3_600_000);
    expect(error.message).toBe(`GET /api/v2/{serviceProvider}/logout/{mvpd}: throttled by Adobe (HTTP 429); Retry-After asks for 3600 s, more than the 60 s this client waits (maxWaitMs); retry after ${new Date(started + 3_600_000).toISOString()}`);
    expect(adobe.count('logout')).toBe(1);
    expect(entries).toContainEqual(expect.objectContaining({ event: 'failure', stage: 'rate-limit', error: 'PassRateLimitError' }));
  });

  it('honours a long Retry-After when the cap allows it', async () => {
    adobe = await startFakeAdobe({ overrides: { logout: (_, n) => (n === 1 ? throttled('120') : undefined) } });
    const { pass } = passFor(adobe, { rateLimit: { maxWaitMs: 300_000 } });
    await logout(pass);
    const sent = adobe.hits.filter((h) => h.op === 'logout');
    expect(sent[1]!.at - sent[0]!.at).toBe(120_000);
  });

  it('gives up after 2 re-sends and says when to retry', async () => {
    adobe = await startFakeAdobe({ overrides: { logout: () => throttled('2') } });
    const { pass } = passFor(adobe);
    const error = await rejection(logout(pass));
    expect(error).toBeInstanceOf(PassRateLimitError);
    expect(error.message).toMatch(/still throttled after 3 attempts; retry after \d{4}-/);
    expect(adobe.count('logout')).toBe(3);
  });

  it('makes the device’s next call wait out the pause too, but not another device’s', async () => {
    adobe = await startFakeAdobe({ overrides: { logout: (h) => (h.headers['x-forwarded-for'] === '203.0.113.7' ? throttled('3600') : undefined) } });
    const { pass, clock } = passFor(adobe, { rateLimit: { maxWaitMs: 0 } });
    const t0 = clock.now();
    await rejection(logout(pass, headerFor('203.0.113.7')));
    await logout(pass, headerFor('198.51.100.9'));
    expect(adobe.hits.filter((h) => h.op === 'logout').map((h) => [h.headers['x-forwarded-for'], h.at - t0])).toEqual([['203.0.113.7', 0], ['198.51.100.9', 0]]);
  });

  // The pause a 429 set outlived the call it failed: the device's next calls waited for it, however
  // long — maxWaitMs bounded only the call that met the 429. Against a real clock, a Retry-After of
  // an hour held every later call of that device (without a signal of its own) for an hour.
  it('fails the device’s next call at once, sending nothing, while the pause is longer than maxWaitMs', async () => {
    adobe = await startFakeAdobe({ overrides: { logout: (_, n) => (n === 1 ? throttled('3600') : undefined) } });
    const { pass, clock, entries } = passFor(adobe);
    const t0 = clock.now();
    await rejection(logout(pass));
    clock.advance(1000);
    const error = await rejection(logout(pass));
    expect(error).toBeInstanceOf(PassRateLimitError);
    expect((error as PassRateLimitError).retryAt).toBe(t0 + 3_600_000);
    expect(error.message).toBe(`GET /api/v2/{serviceProvider}/logout/{mvpd}: throttled by Adobe (HTTP 429); an earlier 429 paused this device for 3599 s more, longer than the 60 s this client waits (maxWaitMs); retry after ${new Date(t0 + 3_600_000).toISOString()}`);
    expect(clock.now()).toBe(t0 + 1000);
    expect(adobe.count('logout')).toBe(1);
    expect(entries.filter((e) => e.event === 'failure').map((e) => e.event === 'failure' && e.stage)).toEqual(['rate-limit', 'throttle']);
    // Within maxWaitMs of its end, the pause is waited out, and the call goes.
    clock.advance(3_600_000 - 1000 - 60_000);
    await logout(pass);
    expect(adobe.hits.filter((h) => h.op === 'logout').map((h) => h.at - t0)).toEqual([0, 3_600_000]);
  });

  // Retry-After: 99999999999 (a broken gateway, a hostile host) paused the device for 3,170 years.
  it('takes a Retry-After above an hour as an hour', async () => {
    adobe = await startFakeAdobe({ overrides: { logout: (_, n) => (n === 1 ? throttled('99999999999') : undefined) } });
    const { pass, clock } = passFor(adobe, { rateLimit: { maxWaitMs: 0 } });
    const t0 = clock.now();
    const error = await rejection(logout(pass));
    expect((error as PassRateLimitError).retryAt).toBe(t0 + 3_600_000);
    expect(error.message).toContain('Retry-After asks for 99999999999 s (taken as 3600 s, the most this client pauses a device), more than the 0 s this client waits (maxWaitMs)');
    clock.advance(3_600_000);
    expect((await logout(pass)).response.status).toBe(200);
  });

  it('is cancelled by the caller’s signal during the pause (real time: a 30 s Retry-After)', async () => {
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { logout: () => throttled('30') } });
    const { pass, entries } = passFor(adobe);
    const controller = new AbortController();
    const pending = logout(pass, undefined, controller.signal);
    await expect.poll(() => entries.some((e) => e.event === 'attempt' && e.status === 429)).toBe(true);
    controller.abort(new Error('user left'));
    expect((await rejection(pending)).message).toBe('user left');
    expect(adobe.count('logout')).toBe(1);
    expect(entries).toContainEqual(expect.objectContaining({ event: 'failure', stage: 'throttle', error: 'Error' }));
  });
});

describe('DCR calls are throttled like the rest', () => {
  it('waits 1 s after a 429 on /o/client/token before asking again', async () => {
    adobe = await startFakeAdobe({ overrides: { token: (_, n) => (n === 1 ? throttled() : undefined) } });
    const { pass } = passFor(adobe);
    const { response } = await logout(pass);
    expect(response.status).toBe(200);
    const tokens = adobe.hits.filter((h) => h.op === 'token');
    expect(tokens.map((h) => h.at - tokens[0]!.at)).toEqual([0, 1000]);
  });

  it('and the throttle pause after a 429 on /o/client/register applies to the token request that follows', async () => {
    adobe = await startFakeAdobe({ overrides: { register: (_, n) => (n === 1 ? throttled('5') : undefined) } });
    const { pass } = passFor(adobe);
    await logout(pass);
    const dcr = adobe.hits.filter((h) => h.op === 'register' || h.op === 'token');
    expect(dcr.map((h) => `${h.op} +${h.at - dcr[0]!.at}`)).toEqual(['register +0', 'register +5000', 'token +5000']);
  });
});

describe('device keys', () => {
  it('warns once per operation when a call carries neither X-Forwarded-For nor AP-Device-Identifier', async () => {
    adobe = await startFakeAdobe();
    const { pass, entries } = passFor(adobe);
    await configuration(pass, { cache: 'no-store' });
    const bare = () => pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF30' } }, cache: 'no-store' });
    await bare();
    await bare();
    const warnings = entries.filter((e) => e.event === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ warning: 'no-device-key', operation: '/api/v2/{serviceProvider}/configuration' });
    expect((warnings[0] as { message: string }).message).toMatch(/carries neither X-Forwarded-For nor AP-Device-Identifier: Adobe counts it against this service's own address/);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2024, 1, 20, 12, 0, 0);
  const read = (value?: string) => retryAfterMs(new Headers(value === undefined ? {} : { 'Retry-After': value }), now);

  it('reads delay-seconds and an HTTP date (RFC 9110), and 0 for anything else', () => {
    expect([read('3'), read(' 120 '), read('0')]).toEqual([3000, 120_000, 0]);
    expect(read('Tue, 20 Feb 2024 12:00:30 GMT')).toBe(30_000);
    expect(read('Tue, 20 Feb 2024 11:59:00 GMT')).toBe(0);
    expect([read(undefined), read(''), read('soon'), read('-5'), read('1.5')]).toEqual([0, 0, 0, 0, 0]);
  });

  it("reads an HTTP date against the host's own Date when it sends one: the service's clock may be off", () => {
    // The host's clock says 13:00:00 and asks for 13:00:02; this service's clock says 12:00:00 (an
    // hour behind, or stepped back): 2 s, not an hour and 2 s (a failed call, capped at an hour).
    const both = (retryAfter: string, date: string) => retryAfterMs(new Headers({ 'Retry-After': retryAfter, Date: date }), now);
    expect(both('Tue, 20 Feb 2024 13:00:02 GMT', 'Tue, 20 Feb 2024 13:00:00 GMT')).toBe(2000);
    // An hour ahead: 2 s, not none.
    expect(both('Tue, 20 Feb 2024 11:00:02 GMT', 'Tue, 20 Feb 2024 11:00:00 GMT')).toBe(2000);
    // A Date that does not parse: this service's clock, as before.
    expect(both('Tue, 20 Feb 2024 12:00:30 GMT', 'yesterday')).toBe(30_000);
    // Delay-seconds do not depend on any clock.
    expect(both('3', 'Tue, 20 Feb 2024 13:00:00 GMT')).toBe(3000);
  });
});
