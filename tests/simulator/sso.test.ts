// Single sign-on on the simulator: a profile created on one device with a service token or a
// platform identity is shared with other devices that send the same identity; Apple partner SSO
// works through AP-Partner-Framework-Status and a SAML response.
import { describe, expect, it } from 'vitest';
import { authenticated, b64json, device, REDIRECT, SP, useSimulator, type TestSimulator } from './support.ts';

let t: TestSimulator;
let token: string;
useSimulator((sim, fresh) => {
  t = sim;
  token = fresh;
});

const jws = (payload: object) => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`;
const serviceToken = (sub: string) => ({ 'AD-Service-Token': jws({ iss: 'idp.example', sub, aud: 'adobe', exp: 4_102_444_800 }) });
const profiles = (n: number, extra: Record<string, string> = {}) => t.call('GET', `/api/v2/${SP}/profiles`, { token, headers: device(n, extra) });

describe('single sign-on with a service token', () => {
  it('shares the profile with a device sending the same AD-Service-Token, as serviceTokenSSO, until logout', async () => {
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password', serviceToken('jane'));
    expect((await profiles(1, serviceToken('jane'))).body.profiles.Cablevision.type).toBe('regular');
    const shared = await profiles(2, serviceToken('jane'));
    expect(shared.body.profiles.Cablevision).toMatchObject({ type: 'serviceTokenSSO', issuer: 'Cablevision', attributes: { mvpd: { value: 'Cablevision' }, upstreamUserID: { value: expect.any(String) } } });
    expect((await profiles(2)).body).toEqual({ profiles: {} });
    expect((await profiles(2, serviceToken('john'))).body).toEqual({ profiles: {} });
    const session = await t.call('POST', `/api/v2/${SP}/sessions`, { token, headers: device(2, serviceToken('jane')), form: { mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: REDIRECT } });
    expect(session.body).toMatchObject({ actionName: 'authorize', reasonType: 'authenticatedSSO' });
    const decision = await t.call('POST', `/api/v2/${SP}/decisions/authorize/Cablevision`, { token, headers: device(2, serviceToken('jane')), json: { resources: ['REF30'] } });
    expect(decision.body.decisions[0]).toMatchObject({ authorized: true, source: 'mvpd' });

    const out = await t.call('GET', `/api/v2/${SP}/logout/Cablevision?redirectUrl=https%3A%2F%2Fadobe.com`, { token, headers: device(2, serviceToken('jane')) });
    expect(out.body.logouts.Cablevision).toMatchObject({ actionName: 'logout', actionType: 'interactive', url: expect.stringContaining('pt_device_id=') });
    expect((await profiles(3, serviceToken('jane'))).body).toEqual({ profiles: {} });
  });

  it('ignores an expired or unreadable service token', async () => {
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password', { 'AD-Service-Token': jws({ iss: 'idp.example', sub: 'jane', exp: 1 }) });
    expect((await profiles(2, serviceToken('jane'))).body).toEqual({ profiles: {} });
  });
});

describe('single sign-on with a platform identity', () => {
  it('shares the profile through Adobe-Subject-Token as platformSSO', async () => {
    const identity = { 'Adobe-Subject-Token': jws({ sub: 'amazon-user-1' }) };
    await authenticated(t, 1, 'Spectrum', 'bob', 'bob-password', identity);
    expect((await profiles(2, identity)).body.profiles.Spectrum).toMatchObject({ type: 'platformSSO', attributes: { mvpd: { value: 'Spectrum' } } });
    expect((await t.call('GET', `/api/v2/${SP}/profiles/Spectrum`, { token, headers: device(2, identity) })).body.profiles.Spectrum.type).toBe('platformSSO');
  });
});

describe('Apple partner single sign-on', () => {
  const pfs = (accessStatus: string, id = 'Cablevision', expirationDate = '4102444800000') => ({ 'AP-Partner-Framework-Status': b64json({ frameworkPermissionInfo: { accessStatus }, frameworkProviderInfo: { id, expirationDate } }) });
  const partnerSession = (headers: Record<string, string>, form: Record<string, string> = { domainName: 'adobe.com', redirectUrl: REDIRECT }) =>
    t.call('POST', `/api/v2/${SP}/sessions/sso/Apple`, { token, headers: device(1, headers), form });
  const partnerProfile = async (headers: Record<string, string>, username = 'alice', n = 1) => {
    const saml = await t.call('POST', '/_sim/partner/Apple/saml-response', { json: { mvpd: 'Cablevision', username }, unchecked: true });
    return t.call('POST', `/api/v2/${SP}/profiles/sso/Apple`, { token, headers: device(n, headers), form: { SAMLResponse: saml.body.SAMLResponse } });
  };

  it('hands out a SAML authentication request when the framework status is granted for an MVPD with Apple SSO', async () => {
    const r = await partnerSession(pfs('granted'));
    expect(r.body).toMatchObject({ actionName: 'partner_profile', actionType: 'direct', reasonType: 'none', mvpd: 'Cablevision', url: `/api/v2/${SP}/profiles/sso/Apple`, authenticationRequest: { type: 'saml' } });
    expect(Buffer.from(r.body.authenticationRequest.request, 'base64').toString()).toContain('<samlp:AuthnRequest');
  });

  it('falls back to basic authentication: pfs_fallback, configuration_fallback, missing_parameters_fallback; AuthNAll goes to decisions', async () => {
    expect((await partnerSession(pfs('denied'))).body).toMatchObject({ actionName: 'authenticate', reasonType: 'pfs_fallback', mvpd: 'Cablevision', code: expect.any(String) });
    expect((await partnerSession({})).body).toMatchObject({ actionName: 'resume', reasonType: 'pfs_fallback', missingParameters: ['mvpd'] });
    expect((await partnerSession(pfs('granted', 'Spectrum'))).body).toMatchObject({ actionName: 'authenticate', reasonType: 'configuration_fallback', mvpd: 'Spectrum' });
    expect((await partnerSession(pfs('granted'), { domainName: 'adobe.com' })).body).toMatchObject({ actionName: 'resume', reasonType: 'missing_parameters_fallback', missingParameters: ['redirectUrl'] });
    expect((await partnerSession(pfs('granted', 'ATTOTT'))).body).toMatchObject({ actionName: 'authorize', reasonType: 'degraded', mvpd: 'ATTOTT' });
    expect(await t.call('POST', `/api/v2/${SP}/sessions/sso/Google`, { token, headers: device(1, pfs('granted')), form: { domainName: 'adobe.com', redirectUrl: REDIRECT } })).toMatchObject({ status: 400, body: { code: 'invalid_parameter_partner' } });
  });

  it('creates an appleSSO profile from the SAML response, visible only with a valid framework status; logout asks for partner sign-out', async () => {
    const created = await partnerProfile(pfs('granted'));
    expect(created.status).toBe(201);
    expect(created.body.profiles.Cablevision).toMatchObject({ issuer: 'Apple', type: 'appleSSO', attributes: { householdID: { value: 'household-alice' } } });
    expect((await profiles(1, pfs('granted'))).body.profiles.Cablevision.type).toBe('appleSSO');
    expect((await profiles(1)).body).toEqual({ profiles: {} });
    expect((await profiles(1, pfs('denied'))).body).toEqual({ profiles: {} });
    expect((await partnerSession(pfs('granted'))).body).toMatchObject({ actionName: 'authorize', reasonType: 'authenticatedSSO' });
    const authz = await t.call('POST', `/api/v2/${SP}/decisions/authorize/Cablevision`, { token, headers: device(1, pfs('granted')), json: { resources: ['REF30'] } });
    expect(authz.body.decisions[0].authorized).toBe(true);
    const out = await t.call('GET', `/api/v2/${SP}/logout/Cablevision?redirectUrl=https%3A%2F%2Fadobe.com`, { token, headers: device(1, pfs('granted')) });
    expect(out.body.logouts.Cablevision).toEqual({ actionName: 'partner_logout', actionType: 'partner_interactive', mvpd: 'Cablevision' });
  });

  it('rejects the partner profile request with the framework-status error codes', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'invalid_header_pfs_permission_access_not_present'],
      [pfs('notDetermined'), 'invalid_header_pfs_permission_access_not_determined'],
      [pfs('denied'), 'invalid_header_pfs_permission_access_not_granted'],
      [pfs('restricted'), 'invalid_header_pfs_permission_access_not_granted'],
      [pfs('granted', 'UnknownProvider'), 'invalid_header_pfs_provider_id_not_determined'],
      [pfs('granted', 'Cablevision', '1000'), 'invalid_header_pfs_provider_info_expired'],
    ];
    for (const [headers, code] of cases) expect(await partnerProfile(headers), code).toMatchObject({ status: 400, body: { code, status: 400 } });
    const saml = await t.call('POST', '/_sim/partner/Apple/saml-response', { json: { mvpd: 'Spectrum', username: 'bob' }, unchecked: true });
    expect(await t.call('POST', `/api/v2/${SP}/profiles/sso/Apple`, { token, headers: device(1, pfs('granted')), form: { SAMLResponse: saml.body.SAMLResponse } })).toMatchObject({ status: 400, body: { code: 'invalid_header_pfs_provider_id_mismatch' } });
    expect(await t.call('POST', `/api/v2/${SP}/profiles/sso/Apple`, { token, headers: device(1, pfs('granted')), form: { SAMLResponse: Buffer.from('<not-saml/>').toString('base64') } })).toMatchObject({ status: 400, body: { code: 'invalid_parameter_saml_response' } });
    expect(await t.call('POST', `/api/v2/${SP}/profiles/sso/Apple`, { token, headers: device(1, pfs('granted')), form: {} })).toMatchObject({ status: 400, body: { code: 'invalid_parameter_saml_response' } });
  });

  it('the appleSSO profile ends with the framework\'s expiration date', async () => {
    const soon = String(Date.now() + 3_600_000);
    await partnerProfile(pfs('granted', 'Cablevision', soon));
    expect((await profiles(1, pfs('granted', 'Cablevision', soon))).body.profiles.Cablevision.notAfter).toBe(Number(soon));
  });
});
