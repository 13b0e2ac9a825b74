// Decisions on the simulator: per-user, per-resource rules; permits with single-use media tokens;
// denies, missing and expired profiles as item-level errors (Adobe documents no top-level 403 here).
import { describe, expect, it } from 'vitest';
import { authenticated, device, SP, useSimulator, type TestSimulator } from './support.ts';

let t: TestSimulator;
let token: string;
useSimulator((sim, fresh) => {
  t = sim;
  token = fresh;
});

const decide = (kind: 'preauthorize' | 'authorize', mvpd: string, resources: string[], n = 1, extra: Record<string, string> = {}) =>
  t.call('POST', `/api/v2/${SP}/decisions/${kind}/${mvpd}`, { token, headers: device(n, extra), json: { resources } });

describe('decisions from an MVPD', () => {
  it('preauthorizes per resource: permits without tokens and a deny with preauthorization_denied_by_mvpd', async () => {
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password');
    const r = await decide('preauthorize', 'Cablevision', ['resource1', 'resource2', 'resource3']);
    expect(r.status).toBe(200);
    expect(r.body.decisions.map((d: { resource: string; authorized: boolean }) => [d.resource, d.authorized])).toEqual([['resource1', true], ['resource2', true], ['resource3', false]]);
    expect(r.body.decisions[0]).toEqual({ resource: 'resource1', serviceProvider: SP, mvpd: 'Cablevision', source: 'mvpd', authorized: true });
    expect(r.body.decisions[2].error).toMatchObject({ status: 403, code: 'preauthorization_denied_by_mvpd', action: 'none' });
  });

  it('authorizes with a media token the verifier accepts once, and denies with the MVPD\'s message or parental controls', async () => {
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password');
    const r = await decide('authorize', 'Cablevision', ['REF30', 'premium-live', 'mature-movie']);
    const [permit, live, mature] = r.body.decisions;
    expect(permit).toMatchObject({ resource: 'REF30', authorized: true, source: 'mvpd' });
    expect(permit.token.notAfter - permit.token.notBefore).toBe(7 * 60_000);
    expect(Buffer.from(permit.token.serializedToken, 'base64').toString()).toMatch(/^<signatureInfo>/);
    expect(live).toMatchObject({ authorized: false, error: { code: 'authorization_denied_by_mvpd', status: 403, details: 'Your subscription package does not include the "Live" channel' } });
    expect(mature).toMatchObject({ authorized: false, error: { code: 'authorization_denied_by_parental_controls', status: 403 } });
    const verify = (body: unknown) => t.call('POST', '/_sim/media-tokens/verify', { json: body, unchecked: true });
    expect((await verify({ serializedToken: permit.token.serializedToken, resource: 'other' })).body).toEqual({ status: 'INVALID_RESOURCE_ID' });
    expect((await verify({ serializedToken: permit.token.serializedToken, resource: 'REF30' })).body).toEqual({ status: 'VALID_TOKEN' });
    expect((await verify({ serializedToken: permit.token.serializedToken, resource: 'REF30' })).body).toEqual({ status: 'TOKEN_EXPIRED' });
    const forged = Buffer.from(Buffer.from(permit.token.serializedToken, 'base64').toString().replace('REF30', 'REF31')).toString('base64');
    expect((await verify({ serializedToken: forged })).body).toEqual({ status: 'INVALID_SIGNATURE' });
  });

  it('keeps each media token to itself: using one leaves the others valid', async () => {
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password');
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) tokens.push((await decide('authorize', 'Cablevision', ['REF30'])).body.decisions[0].token.serializedToken);
    expect(new Set(tokens).size).toBe(3);
    for (const serializedToken of tokens) expect((await t.call('POST', '/_sim/media-tokens/verify', { json: { serializedToken, resource: 'REF30' }, unchecked: true })).body).toEqual({ status: 'VALID_TOKEN' });
    expect(Object.keys((await t.call('GET', '/_sim/state?namespace=mediaTokens', { unchecked: true })).body.state.mediaTokens)).toHaveLength(3);
  });

  it('lets a media token expire after its TTL', async () => {
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password');
    const { body } = await decide('authorize', 'Cablevision', ['REF30']);
    await t.advance('7m');
    expect((await t.call('POST', '/_sim/media-tokens/verify', { json: { serializedToken: body.decisions[0].token.serializedToken }, unchecked: true })).body).toEqual({ status: 'TOKEN_EXPIRED' });
  });

  it('answers authenticated_profile_missing without a profile and authenticated_profile_expired after it ends', async () => {
    const missing = await decide('authorize', 'Cablevision', ['REF30']);
    expect(missing.body.decisions[0]).toMatchObject({ authorized: false, source: 'mvpd', error: { code: 'authenticated_profile_missing', status: 403, action: 'authentication' } });
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password');
    await t.advance('7d');
    token = await t.token(true);
    const expired = await decide('preauthorize', 'Cablevision', ['REF30']);
    expect(expired.body.decisions[0]).toMatchObject({ authorized: false, error: { code: 'authenticated_profile_expired', status: 403, action: 'authentication' } });
  });

  it('answers too_many_resources per item above the integration\'s limit, and invalid_parameter_resources to an empty list', async () => {
    await authenticated(t, 1, 'Cablevision', 'alice', 'alice-password');
    const r = await decide('preauthorize', 'Cablevision', ['a', 'b', 'c', 'd', 'e', 'f']);
    expect(r.body.decisions).toHaveLength(6);
    expect(r.body.decisions.every((d: { error?: { code: string; action: string } }) => d.error?.code === 'too_many_resources' && d.error.action === 'configuration')).toBe(true);
    expect(await decide('authorize', 'Cablevision', [])).toMatchObject({ status: 400, body: { code: 'invalid_parameter_resources' } });
    expect(await t.call('POST', `/api/v2/${SP}/decisions/authorize/Cablevision`, { token, headers: device(1), json: {} })).toMatchObject({ status: 400, body: { code: 'invalid_parameter_resources' } });
    expect(await decide('authorize', 'Comcast', ['REF30'])).toMatchObject({ status: 400, body: { code: 'invalid_integration' } });
  });
});
