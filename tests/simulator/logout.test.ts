// Logout on the simulator: the action per MVPD kind, as the logout page lists them.
import { describe, expect, it } from 'vitest';
import { authenticated, device, SP, useSimulator, type TestSimulator } from './support.ts';

let t: TestSimulator;
let token: string;
useSimulator((sim, fresh) => {
  t = sim;
  token = fresh;
});

const logout = (mvpd: string, n = 1, extra: Record<string, string> = {}) => t.call('GET', `/api/v2/${SP}/logout/${mvpd}?redirectUrl=${encodeURIComponent('https://adobe.com/bye')}`, { token, headers: device(n, extra) });

describe('logout per MVPD kind', () => {
  it('MVPD with a logout endpoint: logout + url that ends at redirectUrl; the profile is gone, a second logout is invalid', async () => {
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password');
    const r = await logout('Cablevision');
    expect(r.body).toEqual({ logouts: { Cablevision: { actionName: 'logout', actionType: 'interactive', mvpd: 'Cablevision', url: expect.stringMatching(/\/adobe-services\/logout\?/) } } });
    const url = new URL(r.body.logouts.Cablevision.url);
    const followed = await t.call('GET', url.pathname + url.search, { unchecked: true });
    expect(followed).toMatchObject({ status: 302 });
    expect(followed.headers.get('location')).toBe('https://adobe.com/bye');
    expect((await t.call('GET', `/api/v2/${SP}/profiles`, { token, headers: device(1) })).body).toEqual({ profiles: {} });
    expect((await logout('Cablevision')).body).toEqual({ logouts: { Cablevision: { actionName: 'invalid', actionType: 'none', mvpd: 'Cablevision' } } });
  });

  it('MVPD without a logout endpoint: complete', async () => {
    await authenticated(t, 1, 'Dish', 'carol', 'carol-password');
    expect((await logout('Dish')).body).toEqual({ logouts: { Dish: { actionName: 'complete', actionType: 'none', mvpd: 'Dish' } } });
    expect((await t.call('GET', `/api/v2/${SP}/profiles/Dish`, { token, headers: device(1) })).body).toEqual({ profiles: {} });
  });

  it('degraded MVPD and TempPass: complete; no profile: invalid', async () => {
    expect((await logout('ATTOTT')).body.logouts.ATTOTT).toMatchObject({ actionName: 'complete', actionType: 'none' });
    expect((await logout('TempPass_TEST40')).body.logouts.TempPass_TEST40).toMatchObject({ actionName: 'complete', actionType: 'none' });
    expect((await logout('Spectrum')).body.logouts.Spectrum).toMatchObject({ actionName: 'invalid', actionType: 'none' });
  });

  it('requires redirectUrl (invalid_parameter_redirect_url) and an integrated MVPD', async () => {
    expect(await t.call('GET', `/api/v2/${SP}/logout/Cablevision`, { token, headers: device(1) })).toMatchObject({ status: 400, body: { code: 'invalid_parameter_redirect_url' } });
    expect(await logout('Comcast')).toMatchObject({ status: 400, body: { code: 'invalid_integration' } });
  });
});
