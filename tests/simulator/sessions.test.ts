// Authentication on the simulator: sessions and codes that expire, the 302 to the simulated MVPD
// sign-in page, its form post creating the profile, and the profile by code the device polls for.
import { describe, expect, it } from 'vitest';
import { authenticated, device, REDIRECT, SP, useSimulator, type TestSimulator } from './support.ts';

let t: TestSimulator;
let token: string;
useSimulator((sim, fresh) => {
  t = sim;
  token = fresh;
});

const createSession = (form: Record<string, string>, n = 1) => t.call('POST', `/api/v2/${SP}/sessions`, { token, headers: device(n), form });

describe('sessions', () => {
  it('creates a session with a fresh code valid for the scenario code TTL (30 minutes)', async () => {
    const a = await createSession({ mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: REDIRECT });
    const b = await createSession({ mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: REDIRECT });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ actionName: 'authenticate', actionType: 'interactive', reasonType: 'none', mvpd: 'Cablevision', serviceProvider: SP, url: `/api/v2/authenticate/${SP}/${a.body.code}` });
    expect(a.body.code).toMatch(/^[A-Z0-9]{7}$/);
    expect(a.body.code).not.toBe(b.body.code);
    expect(Number(a.body.notAfter) - Number(a.body.notBefore)).toBe(30 * 60_000);
  });

  it('lists what is missing (resume), completes on resume (retry, then authenticate), and reports the session by code', async () => {
    const created = await createSession({});
    expect(created.body).toMatchObject({ actionName: 'resume', actionType: 'direct', missingParameters: ['mvpd', 'domainName', 'redirectUrl'], url: `/api/v2/${SP}/sessions/${created.body.code}` });
    const code = created.body.code as string;
    const partial = await t.call('POST', `/api/v2/${SP}/sessions/${code}`, { token, form: { mvpd: 'Cablevision', domainName: 'adobe.com' } });
    expect(partial.body).toMatchObject({ actionName: 'retry', actionType: 'direct', missingParameters: ['redirectUrl'], code });
    const info = await t.call('GET', `/api/v2/${SP}/sessions/${code}`, { token });
    expect(info.body).toMatchObject({ existingParameters: { mvpd: 'Cablevision', domainName: 'adobe.com', serviceProvider: SP }, missingParameters: ['redirectUrl'] });
    expect(info.body.device).toMatchObject({ type: 'SetTopBox', model: 'AppleTV', operatingSystem: { name: 'tvOS' }, connection: { ipAddress: '203.0.113.1', type: 'WiFi' } });
    const done = await t.call('POST', `/api/v2/${SP}/sessions/${code}`, { token, form: { redirectUrl: REDIRECT } });
    expect(done.body).toMatchObject({ actionName: 'authenticate', actionType: 'interactive', code, url: `/api/v2/authenticate/${SP}/${code}` });
  });

  it('forgets the code when it expires: resume, session information, profile by code and the user agent all refuse it', async () => {
    const { body } = await createSession({ mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: REDIRECT });
    await t.advance('30m');
    expect(await t.call('POST', `/api/v2/${SP}/sessions/${body.code}`, { token, form: { redirectUrl: REDIRECT } })).toMatchObject({ status: 400, body: { code: 'invalid_authentication_session' } });
    expect(await t.call('GET', `/api/v2/${SP}/sessions/${body.code}`, { token })).toMatchObject({ status: 400, body: { code: 'invalid_authentication_session' } });
    expect(await t.call('GET', `/api/v2/${SP}/profiles/code/${body.code}`, { token })).toMatchObject({ status: 400, body: { code: 'invalid_authentication_session' } });
    const ua = await t.call('GET', `/api/v2/authenticate/${SP}/${body.code}`);
    expect(ua.status).toBe(400);
    expect(ua.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('refuses an MVPD the service provider is not integrated with, and a malformed body field', async () => {
    expect(await createSession({ mvpd: 'Comcast', domainName: 'adobe.com', redirectUrl: REDIRECT })).toMatchObject({ status: 400, body: { code: 'invalid_integration' } });
    expect(await createSession({ mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: 'not a url' })).toMatchObject({ status: 400, body: { code: 'invalid_parameter_redirect_url' } });
    expect(await t.call('POST', `/api/v2/${SP}/sessions`, { token, headers: { 'X-Device-Info': device(1)['X-Device-Info']! }, form: {} })).toMatchObject({ status: 400, body: { code: 'invalid_header_device_identifier' } });
  });

  it('keeps at most sessionsPerDevice live codes per device (the oldest is dropped)', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push((await createSession({})).body.code);
    expect((await t.call('GET', `/api/v2/${SP}/sessions/${codes[0]}`, { token })).status).toBe(400);
    expect((await t.call('GET', `/api/v2/${SP}/sessions/${codes[5]}`, { token })).status).toBe(200);
  });
});

describe('sign-in in the user agent', () => {
  it('redirects to the MVPD page, whose form post creates the profile and returns to redirectUrl; the polling device then finds it', async () => {
    const { body } = await createSession({ mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: REDIRECT });
    expect(await t.call('GET', `/api/v2/${SP}/profiles/code/${body.code}`, { token })).toMatchObject({ status: 200, body: { profiles: {} } });
    const start = await t.call('GET', `/api/v2/authenticate/${SP}/${body.code}`);
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location')!);
    expect(location.origin).toBe(t.url);
    const page = await t.call('GET', location.pathname + location.search, { unchecked: true });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('Sign in to Optimum');
    expect(page.text).toMatch(/<form method="post" action="\/_mvpd\/Cablevision\/sign-in">/);

    const wrong = await t.signIn(body.code, 'alice', 'guess');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Wrong username or password.');
    expect((await t.call('GET', `/api/v2/${SP}/profiles/code/${body.code}`, { token })).body).toEqual({ profiles: {} });

    const ok = await t.signIn(body.code, 'alice', 'alice-password');
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe(REDIRECT);
    const polled = await t.call('GET', `/api/v2/${SP}/profiles/code/${body.code}`, { token });
    expect(polled.body.profiles.Cablevision).toMatchObject({ issuer: 'Cablevision', type: 'regular', attributes: { householdID: { value: 'household-alice', state: 'plain' }, zip: { value: '10001', state: 'enc' } } });
    expect(polled.body.profiles.Cablevision.notAfter - polled.body.profiles.Cablevision.notBefore).toBe(7 * 86_400_000);
  });

  it('does not let a user of another MVPD sign in, nor a code for another MVPD be used on this page', async () => {
    const { body } = await createSession({ mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: REDIRECT });
    expect((await t.signIn(body.code, 'bob', 'bob-password')).status).toBe(401);
    const other = await t.call('POST', '/_mvpd/Spectrum/sign-in', { form: { code: body.code, requestor_id: SP, username: 'bob', password: 'bob-password' }, unchecked: true });
    expect(other.status).toBe(400);
  });

  it('answers authorize/authenticated to a new session once the device has a profile', async () => {
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password');
    expect((await createSession({ mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: REDIRECT })).body).toMatchObject({ actionName: 'authorize', actionType: 'direct', reasonType: 'authenticated', url: `/api/v2/${SP}/decisions/authorize/Cablevision` });
    // Another device has no profile.
    expect((await createSession({ mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: REDIRECT }, 2)).body.actionName).toBe('authenticate');
  });
});

describe('profiles', () => {
  it('lists the device profiles, one MVPD\'s, and drops them when they expire', async () => {
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password');
    await authenticated(t, 1, 'Spectrum', 'bob', 'bob-password');
    const all = await t.call('GET', `/api/v2/${SP}/profiles`, { token, headers: device(1) });
    expect(Object.keys(all.body.profiles).sort()).toEqual(['Cablevision', 'Spectrum']);
    expect((await t.call('GET', `/api/v2/${SP}/profiles`, { token, headers: device(2) })).body).toEqual({ profiles: {} });
    const one = await t.call('GET', `/api/v2/${SP}/profiles/Spectrum`, { token, headers: device(1) });
    expect(Object.keys(one.body.profiles)).toEqual(['Spectrum']);
    expect((await t.call('GET', `/api/v2/${SP}/profiles/Dish`, { token, headers: device(1) })).body).toEqual({ profiles: {} });
    await t.advance('7d');
    token = await t.token(true);
    expect((await t.call('GET', `/api/v2/${SP}/profiles`, { token, headers: device(1) })).body).toEqual({ profiles: {} });
  });
});
