// preauthorization.cache-permits and logout.not-after-deny: violating and compliant traffic.
import { describe, expect, it } from 'vitest';
import { audit, device, enhancedError, outcome, SP, type Call } from '../support/har.ts';

const decision = (resource: string, authorized: boolean) => ({ resource, serviceProvider: SP, mvpd: 'Cablevision', source: 'mvpd', authorized, ...(authorized ? {} : { error: enhancedError(403, 'authorization_denied_by_mvpd', 'none') }) });
const preauthorize = (at: number, resources: string[], authorized = true): Call => ({ at, path: `/api/v2/${SP}/decisions/preauthorize/Cablevision`, headers: device(), body: { resources }, response: { decisions: resources.map((r) => decision(r, authorized)) } });
const authorize = (at: number, authorized: boolean): Call => ({ at, path: `/api/v2/${SP}/decisions/authorize/Cablevision`, headers: device(), body: { resources: ['REF30'] }, response: { decisions: [decision('REF30', authorized)] } });
const logout = (at: number): Call => ({ at, path: `/api/v2/${SP}/logout/Cablevision?redirectUrl=https%3A%2F%2Fadobe.com`, headers: device(), response: { logouts: { Cablevision: { actionName: 'logout', actionType: 'interactive', url: 'https://mvpd.example/logout' } } } });

describe('preauthorization.cache-permits', () => {
  it('flags a permitted resource asked again a minute later', async () => {
    const report = await audit([preauthorize(0, ['A', 'B']), preauthorize(60_000, ['B'])]);
    expect(outcome(report, 'preauthorization.cache-permits')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2'] }] });
  });

  it('passes new resources, denied resources asked again, and a permit asked again after 10 minutes', async () => {
    expect(outcome(await audit([preauthorize(0, ['A']), preauthorize(60_000, ['B'])]), 'preauthorization.cache-permits')).toMatchObject({ status: 'pass', examined: 2 });
    expect(outcome(await audit([preauthorize(0, ['A'], false), preauthorize(60_000, ['A'], false)]), 'preauthorization.cache-permits')).toMatchObject({ status: 'pass', examined: 2 });
    expect(outcome(await audit([preauthorize(0, ['A']), preauthorize(600_000, ['A'])]), 'preauthorization.cache-permits')).toMatchObject({ status: 'pass', examined: 2 });
  });
});

describe('logout.not-after-deny', () => {
  it('flags a logout half a second after a denied authorization', async () => {
    const report = await audit([authorize(0, false), logout(500)]);
    expect(outcome(report, 'logout.not-after-deny')).toMatchObject({ status: 'fail', findings: [{ requests: ['#1', '#2'] }] });
  });

  it('flags a logout right after a top-level denial error', async () => {
    const denied: Call = { at: 0, path: `/api/v2/${SP}/decisions/authorize/Cablevision`, headers: device(), body: { resources: ['REF30'] }, status: 403, response: enhancedError(403, 'authorization_denied_by_parental_controls', 'none') };
    expect(outcome(await audit([denied, logout(2000)]), 'logout.not-after-deny')).toMatchObject({ status: 'fail', findings: [{ requests: ['#1', '#2'] }] });
  });

  it('passes a logout after a failure that is not a denial (action retry)', async () => {
    const timeout: Call = { at: 0, path: `/api/v2/${SP}/decisions/authorize/Cablevision`, headers: device(), body: { resources: ['REF30'] }, status: 403, response: enhancedError(403, 'network_connection_timeout', 'retry') };
    expect(outcome(await audit([timeout, logout(500)]), 'logout.not-after-deny')).toMatchObject({ status: 'pass', examined: 1 });
  });

  it('passes a logout a minute after a deny, and right after a permit', async () => {
    expect(outcome(await audit([authorize(0, false), logout(60_000)]), 'logout.not-after-deny')).toMatchObject({ status: 'pass', examined: 1 });
    expect(outcome(await audit([authorize(0, true), logout(500)]), 'logout.not-after-deny')).toMatchObject({ status: 'pass', examined: 1 });
  });
});
