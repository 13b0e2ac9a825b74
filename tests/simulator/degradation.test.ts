// Degraded access on the simulator: AuthNAll, AuthZAll and AuthZNone per MVPD, from the scenario
// or applied at run time through the control API, as Adobe's degraded access flows describe.
import { describe, expect, it } from 'vitest';
import { authenticated, device, REDIRECT, SP, useSimulator, type TestSimulator } from './support.ts';

let t: TestSimulator;
let token: string;
useSimulator((sim, fresh) => {
  t = sim;
  token = fresh;
});

const decide = (kind: string, mvpd: string, resources: string[], n = 1) => t.call('POST', `/api/v2/${SP}/decisions/${kind}/${mvpd}`, { token, headers: device(n), json: { resources } });
const degrade = (mvpd: string, rule: string) => t.call('PUT', `/_sim/degradation/${mvpd}`, { json: { rule }, unchecked: true });

describe('degradation', () => {
  it('AuthNAll: the session goes straight to authorize (degraded), the profile is a degraded Adobe profile, decisions permit', async () => {
    const s = await t.call('POST', `/api/v2/${SP}/sessions`, { token, headers: device(1), form: { mvpd: 'ATTOTT', domainName: 'adobe.com', redirectUrl: REDIRECT } });
    expect(s.body).toMatchObject({ actionName: 'authorize', actionType: 'direct', reasonType: 'degraded', mvpd: 'ATTOTT' });
    const p = await t.call('GET', `/api/v2/${SP}/profiles/ATTOTT`, { token, headers: device(1) });
    expect(p.body.profiles.ATTOTT).toMatchObject({ issuer: 'Adobe', type: 'degraded' });
    const a = await decide('authorize', 'ATTOTT', ['REF30', 'apasstest1'], 2);
    expect(a.body.decisions.map((d: { authorized: boolean; source: string; token?: unknown }) => [d.authorized, d.source, Boolean(d.token)])).toEqual([[true, 'degradation', true], [true, 'degradation', true]]);
    const pre = await decide('preauthorize', 'ATTOTT', ['REF30'], 3);
    expect(pre.body.decisions[0]).toEqual({ resource: 'REF30', serviceProvider: SP, mvpd: 'ATTOTT', source: 'degradation', authorized: true });
  });

  it('AuthZAll: permits without a profile; the session still needs a sign-in', async () => {
    expect((await decide('authorize', 'Cox', ['REF30'])).body.decisions[0]).toMatchObject({ authorized: true, source: 'degradation', token: expect.any(Object) });
    const s = await t.call('POST', `/api/v2/${SP}/sessions`, { token, headers: device(1), form: { mvpd: 'Cox', domainName: 'adobe.com', redirectUrl: REDIRECT } });
    expect(s.body.actionName).toBe('authenticate');
  });

  it('AuthZNone: every resource denied with authorization_denied_by_degradation_rule, even for a signed-in user', async () => {
    await authenticated(t, 1, 'Frontier', 'erin', 'erin-password');
    const r = await decide('authorize', 'Frontier', ['REF30', 'apasstest1']);
    expect(r.body.decisions.map((d: { error: { code: string; status: number } }) => [d.error.code, d.error.status])).toEqual([['authorization_denied_by_degradation_rule', 403], ['authorization_denied_by_degradation_rule', 403]]);
    expect(r.body.decisions[0].source).toBe('degradation');
  });

  it('applies and lifts a rule at run time through the control API', async () => {
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password');
    expect((await degrade('Cablevision', 'AuthZNone')).status).toBe(200);
    expect((await decide('authorize', 'Cablevision', ['REF30'])).body.decisions[0].error.code).toBe('authorization_denied_by_degradation_rule');
    expect((await degrade('Cablevision', 'none')).status).toBe(200);
    expect((await decide('authorize', 'Cablevision', ['REF30'])).body.decisions[0]).toMatchObject({ authorized: true, source: 'mvpd' });
    expect(await degrade('Cablevision', 'AuthEverything')).toMatchObject({ status: 400, body: { error: expect.stringContaining('"AuthNAll"') } });
    expect((await degrade('Nobody', 'AuthNAll')).status).toBe(404);
  });
});
