// TempPass on the simulator: basic (per device, time-limited) and promotional (per device or user
// identity, time and resource limited), as Adobe's TempPass page and temporary access flows say.
import { describe, expect, it } from 'vitest';
import { b64json, device, REDIRECT, SP, useSimulator, type TestSimulator } from './support.ts';

let t: TestSimulator;
let token: string;
useSimulator((sim, fresh) => {
  t = sim;
  token = fresh;
});

const authorize = (mvpd: string, resources: string[], n = 1, extra: Record<string, string> = {}) =>
  t.call('POST', `/api/v2/${SP}/decisions/authorize/${mvpd}`, { token, headers: device(n, extra), json: { resources } });
const profile = (mvpd: string, n = 1, extra: Record<string, string> = {}) => t.call('GET', `/api/v2/${SP}/profiles/${mvpd}`, { token, headers: device(n, extra) });
const identity = (email: string) => ({ 'AP-TempPass-Identity': b64json({ email }) });

describe('basic TempPass', () => {
  it('skips authentication, permits from the first authorization until the TTL, then denies with temporary_access_duration_limit_exceeded', async () => {
    const session = await t.call('POST', `/api/v2/${SP}/sessions`, { token, headers: device(1), form: { mvpd: 'TempPass_TEST40', domainName: 'adobe.com', redirectUrl: REDIRECT } });
    expect(session.body).toMatchObject({ actionName: 'authorize', actionType: 'direct', reasonType: 'temporary', mvpd: 'TempPass_TEST40' });
    const first = await authorize('TempPass_TEST40', ['REF30']);
    expect(first.body.decisions[0]).toMatchObject({ authorized: true, source: 'temppass', token: { serializedToken: expect.any(String) } });
    expect(first.body.decisions[0].notAfter - first.body.decisions[0].notBefore).toBe(3 * 60_000);
    const p = await profile('TempPass_TEST40');
    expect(p.body.profiles.TempPass_TEST40).toMatchObject({ issuer: 'Adobe', type: 'temporary', attributes: { expiration_date: { value: first.body.decisions[0].notAfter } } });
    await t.advance('2m');
    expect((await authorize('TempPass_TEST40', ['other'])).body.decisions[0].authorized).toBe(true);
    await t.advance('1m');
    const late = await authorize('TempPass_TEST40', ['REF30']);
    expect(late.body.decisions[0]).toMatchObject({ authorized: false, source: 'temppass', error: { code: 'temporary_access_duration_limit_exceeded', status: 403, action: 'authentication' } });
    expect(await profile('TempPass_TEST40')).toMatchObject({ status: 403, body: { code: 'temporary_access_duration_limit_exceeded' } });
    // A new device starts a new trial.
    expect((await authorize('TempPass_TEST40', ['REF30'], 2)).body.decisions[0].authorized).toBe(true);
  });

  it('preauthorizes every resource while the trial runs, without starting it', async () => {
    const pre = await t.call('POST', `/api/v2/${SP}/decisions/preauthorize/TempPass_TEST40`, { token, headers: device(1), json: { resources: ['a', 'b'] } });
    expect(pre.body.decisions.map((d: { authorized: boolean }) => d.authorized)).toEqual([true, true]);
    await t.advance('5m');
    expect((await authorize('TempPass_TEST40', ['REF30'])).body.decisions[0].authorized).toBe(true);
  });

  it('answers invalid_configuration_temporary_access for a misconfigured TempPass', async () => {
    expect(await profile('TempPass_BROKEN')).toMatchObject({ status: 500, body: { code: 'invalid_configuration_temporary_access', action: 'configuration' } });
    expect((await authorize('TempPass_BROKEN', ['REF30'])).body.decisions[0]).toMatchObject({ authorized: false, error: { code: 'invalid_configuration_temporary_access', status: 500 } });
  });
});

describe('promotional TempPass', () => {
  it('needs AP-TempPass-Identity', async () => {
    expect(await profile('flexibleTempPass')).toMatchObject({ status: 400, body: { code: 'invalid_header_identity_for_temporary_access' } });
    expect((await authorize('flexibleTempPass', ['REF30'])).body.decisions[0]).toMatchObject({ authorized: false, source: 'temppass', error: { code: 'invalid_header_identity_for_temporary_access', status: 400 } });
    expect(await profile('flexibleTempPass', 1, { 'AP-TempPass-Identity': b64json({ email: 'not an email' }) })).toMatchObject({ status: 400, body: { code: 'invalid_header_identity_for_temporary_access' } });
  });

  it('counts resources (replaying one is free), stops at maxResources, and follows the user identity to a new device', async () => {
    const who = identity('viewer@example.com');
    for (const res of ['res01', 'res02', 'res01']) expect((await authorize('flexibleTempPass', [res], 1, who)).body.decisions[0].authorized).toBe(true);
    const p = await profile('flexibleTempPass', 1, who);
    expect(p.body.profiles.flexibleTempPass.attributes).toMatchObject({ remaining_resources: { value: 1 }, used_assets: { value: ['res01', 'res02'] } });
    for (const res of ['res03', 'res01']) expect((await authorize('flexibleTempPass', [res], 1, who)).body.decisions[0].authorized).toBe(true);
    // Every resource consumed: the profile answers the limit (the flows page), authorization denies new resources.
    expect(await profile('flexibleTempPass', 1, who)).toMatchObject({ status: 403, body: { code: 'temporary_access_resources_limit_exceeded', action: 'authentication' } });
    expect((await authorize('flexibleTempPass', ['res04'], 1, who)).body.decisions[0]).toMatchObject({ authorized: false, error: { code: 'temporary_access_resources_limit_exceeded', status: 403 } });
    // Same identity on another device: the existing trial.
    expect((await authorize('flexibleTempPass', ['res05'], 2, who)).body.decisions[0].error.code).toBe('temporary_access_resources_limit_exceeded');
    expect(await profile('flexibleTempPass', 2, who)).toMatchObject({ status: 403, body: { code: 'temporary_access_resources_limit_exceeded' } });
    // Same device, new identity: still the device's trial.
    expect((await authorize('flexibleTempPass', ['res06'], 1, identity('other@example.com'))).body.decisions[0].error.code).toBe('temporary_access_resources_limit_exceeded');
    // New device and new identity: a new trial.
    expect((await authorize('flexibleTempPass', ['res06'], 3, identity('new@example.com'))).body.decisions[0].authorized).toBe(true);
  });

  it('expires after its TTL', async () => {
    const who = identity('viewer@example.com');
    expect((await authorize('flexibleTempPass', ['res01'], 1, who)).body.decisions[0].authorized).toBe(true);
    await t.advance('1h');
    token = await t.token();
    expect((await authorize('flexibleTempPass', ['res01'], 1, who)).body.decisions[0].error.code).toBe('temporary_access_duration_limit_exceeded');
  });
});
