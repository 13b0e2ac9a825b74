// Polling for the profile after a second-screen sign-in: every 3–5 s, through transient failures,
// never past notAfter — against a loopback host that fails in the ways production hosts do.
import { afterEach, describe, expect, it } from 'vitest';
import { clampPollInterval, PassError, PassNetworkError, pollProfileByCode, systemClock } from '../../../packages/client/src/index.ts';
import { enhanced, startFakeAdobe, type FakeAdobe, type Override } from '../support/fake-adobe.ts';
import { passFor, rejection } from '../support/pass.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());

const profile = { json: { profiles: { Cablevision: { notBefore: 1, notAfter: 2, issuer: 'Cablevision', type: 'regular', attributes: { userID: { value: 'u', state: 'plain' } } } } } };
const poll = (pass: ReturnType<typeof passFor>['pass'], notAfterIn: number, extra: { intervalMs?: number; signal?: AbortSignal } = {}) =>
  pollProfileByCode(pass, { serviceProvider: 'REF30', code: '8ER640M', notAfter: adobe.clock.now() + notAfterIn, clock: adobe.clock, headers: { 'X-Forwarded-For': '203.0.113.7' }, ...extra });
const polls = () => adobe.hits.filter((h) => h.op === 'profileForCode');

describe('pollProfileByCode', () => {
  it('polls every interval until a profile appears', async () => {
    adobe = await startFakeAdobe({ overrides: { profileForCode: (_, n) => (n < 3 ? undefined : profile) } });
    const { pass } = passFor(adobe);
    expect(await poll(pass, 60_000, { intervalMs: 4000 })).toMatchObject({ status: 'authenticated', mvpd: 'Cablevision', attempts: 3, transientFailures: 0 });
    expect(polls().map((h) => h.at - polls()[0]!.at)).toEqual([0, 4000, 8000]);
  });

  it('polls on the client\'s clock when given none of its own', async () => {
    // Without it, a notAfter of the client's (simulated) time was read against the real clock: expired at once, nothing sent.
    adobe = await startFakeAdobe({ overrides: { profileForCode: (_, n) => (n < 3 ? undefined : profile) } });
    const { pass } = passFor(adobe);
    const result = await pollProfileByCode(pass, { serviceProvider: 'REF30', code: '8ER640M', notAfter: adobe.clock.now() + 60_000, intervalMs: 4000, headers: { 'X-Forwarded-For': '203.0.113.7' } });
    expect(result).toMatchObject({ status: 'authenticated', attempts: 3 });
    expect(polls().map((h) => h.at - polls()[0]!.at)).toEqual([0, 4000, 8000]);
  });

  it('keeps polling through a 502 page, a dropped connection, a 500 and a 429', async () => {
    // The connection is dropped twice in a row: the client sends a GET again once on its own
    // (a connection closed under it), so the poll sees the second.
    const script: Record<number, ReturnType<Override>> = {
      1: { status: 502, html: '<html>Bad gateway</html>' },
      2: { destroy: true },
      3: { destroy: true },
      4: enhanced(500, 'internal_server_error', 'none'),
      5: { status: 429, html: '<html>429</html>', headers: { 'Retry-After': '2' } },
      7: profile,
    };
    adobe = await startFakeAdobe({ overrides: { profileForCode: (_, n) => script[n] } });
    const { pass } = passFor(adobe);
    const result = await poll(pass, 120_000);
    expect(result).toMatchObject({ status: 'authenticated', attempts: 5, transientFailures: 3 });
    expect(polls().map((h) => h.status ?? 'dropped')).toEqual([502, 'dropped', 'dropped', 500, 429, 200, 200]);
    // The re-send went at once, in the same poll.
    expect(polls()[2]!.at).toBe(polls()[1]!.at);
  });

  it('keeps polling while the DCR token request meets server errors, and stops when the credentials are refused', async () => {
    // The token runs out during a sign-in (a poll lasts up to 30 minutes), and the DCR host is down for a moment.
    const down: Record<number, ReturnType<Override>> = { 1: { status: 503, json: { error: 'temporarily_unavailable' } }, 2: { status: 500, json: { error: 'server_error' } } };
    adobe = await startFakeAdobe({ overrides: { token: (_, n) => down[n], profileForCode: (_, n) => (n < 2 ? undefined : profile) } });
    const { pass } = passFor(adobe);
    expect(await poll(pass, 120_000)).toMatchObject({ status: 'authenticated', attempts: 4, transientFailures: 2 });
    expect(adobe.hits.filter((h) => h.op === 'token').map((h) => h.status)).toEqual([503, 500, 201]);
    await adobe.close();

    adobe = await startFakeAdobe({ overrides: { token: () => ({ status: 400, json: { error: 'unauthorized_client' } }) } });
    const refused = passFor(adobe).pass;
    expect(await rejection(poll(refused, 120_000))).toMatchObject({ name: 'PassError', kind: 'credentials', status: 400, code: 'unauthorized_client' });
    expect(adobe.hits.map((h) => h.op)).toEqual(['register', 'token']);
  });

  it('waits until the retry time of a 429 the client could not wait out itself', async () => {
    adobe = await startFakeAdobe({ overrides: { profileForCode: (_, n) => (n <= 3 ? { status: 429, html: '<html>429</html>', headers: { 'Retry-After': '20' } } : profile) } });
    const { pass } = passFor(adobe);
    expect(await poll(pass, 600_000)).toMatchObject({ status: 'authenticated', transientFailures: 1 });
    expect(polls().map((h) => h.at - polls()[0]!.at)).toEqual([0, 20_000, 40_000, 60_000]);
  });

  it('never sends at or after notAfter', async () => {
    adobe = await startFakeAdobe();
    const { pass } = passFor(adobe);
    const notAfter = adobe.clock.now() + 10_000;
    expect(await poll(pass, 10_000, { intervalMs: 4000 })).toMatchObject({ status: 'expired', attempts: 3 });
    expect(polls().every((h) => h.at < notAfter)).toBe(true);
  });

  it('ends at notAfter while the throttle pause after a 429 would run past it', async () => {
    adobe = await startFakeAdobe({ overrides: { profileForCode: () => ({ status: 429, html: '<html>429</html>', headers: { 'Retry-After': '30' } }) } });
    const { pass } = passFor(adobe);
    const notAfter = adobe.clock.now() + 10_000;
    expect(await poll(pass, 10_000)).toMatchObject({ status: 'expired', attempts: 1 });
    expect(polls().every((h) => h.at < notAfter)).toBe(true);
    expect(adobe.clock.now()).toBeLessThanOrEqual(notAfter);
  });

  it('bounds a hung request by the time left before notAfter (real time: 500 ms; the request timeout is 15 s)', async () => {
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { profileForCode: () => ({ hang: true }) } });
    const { pass } = passFor(adobe);
    expect(await poll(pass, 500)).toMatchObject({ status: 'expired', attempts: 1 });
    await expect.poll(() => polls()[0]?.aborted).toBe(true);
  }, 5000);

  it('stops when aborted (the user asked for a new code) and sends nothing more', async () => {
    adobe = await startFakeAdobe({ clock: systemClock });
    const { pass } = passFor(adobe);
    const controller = new AbortController();
    const pending = poll(pass, 60_000, { signal: controller.signal });
    await expect.poll(() => polls().length).toBe(1);
    controller.abort(new Error('new code'));
    expect((await rejection(pending)).message).toBe('new code');
    await new Promise((r) => setTimeout(r, 50));
    expect(polls()).toHaveLength(1);
  });

  it('reports an error polling cannot fix instead of polling on', async () => {
    adobe = await startFakeAdobe({ overrides: { profileForCode: () => enhanced(403, 'authenticated_profile_expired', 'authentication') } });
    const { pass } = passFor(adobe);
    expect(await poll(pass, 60_000)).toMatchObject({ status: 'failed', httpStatus: 403, error: { code: 'authenticated_profile_expired' }, attempts: 1 });
  });

  it.each([
    ['no profiles', { json: {} }],
    ['profiles as a list', { json: { profiles: [] } }],
    ['profiles null', { json: { profiles: null } }],
    ['a body of null', { json: null }],
    ['an empty body', { text: '', contentType: 'application/json' }],
  ])('a 200 with %s is a protocol error, after one request (not a TypeError from inside, nor "failed" with HTTP 200)', async (_, reply) => {
    adobe = await startFakeAdobe({ overrides: { profileForCode: () => reply } });
    const { pass } = passFor(adobe);
    const error = await rejection(poll(pass, 60_000));
    expect(error).toBeInstanceOf(PassError);
    expect(error).toMatchObject({ kind: 'protocol', status: 200, message: 'GET /api/v2/{serviceProvider}/profiles/code/{code}: HTTP 200 without a profiles map' });
    expect(polls()).toHaveLength(1);
  });

  it('polls a code valid for 30 days (longer than one timer holds: the bound on its request fired after 1 ms)', async () => {
    // Real time: the host answers after 50 ms; a deadline timer of 30 days that fires at once called the code expired.
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { profileForCode: async () => (await new Promise((r) => setTimeout(r, 50)), profile) } });
    const { pass } = passFor(adobe);
    expect(await poll(pass, 30 * 24 * 3600_000)).toMatchObject({ status: 'authenticated', attempts: 1 });
  });

  it('gives up at once on a port fetch refuses (a wrong base URL, not a passing failure)', async () => {
    adobe = await startFakeAdobe();
    // Port 6000 is one of the Fetch standard's blocked ports: fetch refuses it before connecting.
    const tokens = { getAccessToken: async () => 'token-for-the-blocked-port', invalidate: async () => {} };
    const { pass } = passFor(adobe, { baseUrl: 'http://127.0.0.1:6000', tokens });
    const start = adobe.clock.now();
    const error = await rejection(poll(pass, 60_000));
    expect(error).toBeInstanceOf(PassNetworkError);
    expect(error).toMatchObject({ blockedPort: '6000' });
    expect(adobe.clock.now() - start).toBe(0);
  });

  it('refuses a notAfter that is not a time (Number() of a session without one), before sending anything', async () => {
    adobe = await startFakeAdobe();
    const { pass } = passFor(adobe);
    for (const notAfter of [NaN, Infinity]) {
      await expect(pollProfileByCode(pass, { serviceProvider: 'REF30', code: '8ER640M', notAfter, clock: adobe.clock })).rejects.toThrow(new TypeError(`pollProfileByCode: notAfter must be a time in epoch milliseconds (the session's notAfter), not ${notAfter}`));
    }
    expect(polls()).toEqual([]);
  });

  it('refuses a notAfter in epoch seconds, which it took for a code long expired and polled nothing for', async () => {
    adobe = await startFakeAdobe();
    const { pass } = passFor(adobe);
    const seconds = Math.floor(adobe.clock.now() / 1000) + 1800;
    await expect(pollProfileByCode(pass, { serviceProvider: 'REF30', code: '8ER640M', notAfter: seconds, clock: adobe.clock })).rejects.toThrow(new TypeError(`pollProfileByCode: notAfter ${seconds} reads as ${new Date(seconds).toISOString()}: pass epoch milliseconds (the session's notAfter), not seconds`));
    expect(polls()).toEqual([]);
    // A clock that starts at 0 (sinon's fake timers do) may ask for small times: those are polled.
    const start = Date.now();
    const fromZero = { now: () => Date.now() - start, sleep: systemClock.sleep };
    const result = await pollProfileByCode(pass, { serviceProvider: 'REF30', code: '8ER640M', notAfter: 500, clock: fromZero });
    expect(result).toMatchObject({ status: 'expired', attempts: 1 });
    expect(polls()).toHaveLength(1);
  });

  it('ends at the code\'s end when its last wait ran to it, even if the clock then reads a millisecond short', async () => {
    // Node's timers can fire before Date.now() has moved the whole delay: the loop then saw 1 ms
    // left and sent a poll that had no time to be answered (a test of a 500 ms code failed this way
    // on a loaded machine). A clock whose every sleep falls 1 ms short does it each time.
    adobe = await startFakeAdobe();
    const { pass } = passFor(adobe);
    const shortSleeps = { now: () => adobe.clock.now(), sleep: (ms: number, signal?: AbortSignal) => adobe.clock.sleep(Math.max(0, ms - 1), signal) };
    const result = await pollProfileByCode(pass, { serviceProvider: 'REF30', code: '8ER640M', notAfter: adobe.clock.now() + 10_000, intervalMs: 4000, clock: shortSleeps });
    // Polls at 0, ≈4 s and ≈8 s; the wait after the third runs to the end of the code.
    expect(result).toMatchObject({ status: 'expired', attempts: 3 });
    expect(polls()).toHaveLength(3);
  });

  it('refuses an interval that is not a number (Number() of a missing setting), before sending anything', async () => {
    // NaN passed every clamp and made each wait 0 ms: a poll as fast as the host answers.
    adobe = await startFakeAdobe({ clock: systemClock });
    const { pass } = passFor(adobe);
    for (const intervalMs of [NaN, Infinity]) {
      await expect(pollProfileByCode(pass, { serviceProvider: 'REF30', code: '8ER640M', notAfter: Date.now() + 1000, intervalMs, clock: systemClock })).rejects.toThrow(new TypeError(`pollProfileByCode: intervalMs must be a number of milliseconds (clamped to 3000–5000), not ${intervalMs}`));
    }
    expect(polls()).toEqual([]);
  });

  it('clamps the interval to 3–5 s', () => {
    expect([100, 3000, 4200, 60_000].map(clampPollInterval)).toEqual([3000, 3000, 4200, 5000]);
  });
});

describe('pollProfileByCode, with the service\'s clock off from Adobe\'s', () => {
  // The session's notAfter is Adobe's time. A service whose clock is minutes off (a VM without NTP,
  // a container restored from a snapshot) reads Adobe's clock from the Date of its answers.
  const CODE_TTL = 30 * 60_000;
  /** Adobe's answers stamped with its own clock, `skewMs` from the service's; the user signs in `signInAt` after the poll starts (Adobe's time). */
  const skewedHost = async (skewMs: number, signInAt: number) => {
    let start: number | undefined;
    adobe = await startFakeAdobe({
      overrides: {
        profileForCode: () => {
          const adobeNow = adobe.clock.now() + skewMs;
          start ??= adobeNow;
          const headers = { Date: new Date(adobeNow).toUTCString() };
          return adobeNow - start >= signInAt ? { ...profile, headers } : { json: { profiles: {} }, headers };
        },
      },
    });
    const { pass } = passFor(adobe);
    // The code as Adobe issued it: valid for 30 minutes from now, on Adobe's clock.
    return { pass, notAfter: adobe.clock.now() + skewMs + CODE_TTL };
  };
  const pollFor = (pass: ReturnType<typeof passFor>['pass'], notAfter: number) =>
    pollProfileByCode(pass, { serviceProvider: 'REF30', code: '8ER640M', notAfter, intervalMs: 5000, headers: { 'X-Forwarded-For': '203.0.113.7' } });

  it('10 minutes ahead of Adobe: a sign-in at minute 25 of a 30-minute code is seen', async () => {
    const { pass, notAfter } = await skewedHost(-10 * 60_000, 25 * 60_000);
    // On the service's clock the code ended 10 minutes early: the poll gave up at minute 20.
    expect(await pollFor(pass, notAfter)).toMatchObject({ status: 'authenticated', mvpd: 'Cablevision' });
    expect(polls().at(-1)!.at - polls()[0]!.at).toBeGreaterThanOrEqual(25 * 60_000);
  });

  it('10 minutes behind Adobe: the poll ends when the code does, not 10 minutes later', async () => {
    const { pass, notAfter } = await skewedHost(10 * 60_000, Infinity);
    expect(await pollFor(pass, notAfter)).toMatchObject({ status: 'expired' });
    const span = polls().at(-1)!.at - polls()[0]!.at;
    expect(span).toBeLessThan(CODE_TTL);
    expect(span).toBeGreaterThan(CODE_TTL - 10_000);
  });

  it('a Date a day or more off is not a clock to go by (a host that sends nonsense)', async () => {
    adobe = await startFakeAdobe({ overrides: { profileForCode: () => ({ json: { profiles: {} }, headers: { Date: new Date(adobe.clock.now() + 2 * 86_400_000).toUTCString() } }) } });
    const { pass } = passFor(adobe);
    // Taken as Adobe's clock, that Date would have ended the code after the first answer.
    expect(await pollFor(pass, adobe.clock.now() + CODE_TTL)).toMatchObject({ status: 'expired' });
    expect(polls().at(-1)!.at - polls()[0]!.at).toBeGreaterThan(CODE_TTL - 10_000);
  });
});
