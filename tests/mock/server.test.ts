// The mock answers documented situations on request and rejected requests in the description's error shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from '../../src/mock/server.ts';

let mock: RunningMock;
let coldStartMs = 0;
beforeAll(async () => {
  const t0 = performance.now();
  mock = await startMock({ port: 0 });
  coldStartMs = performance.now() - t0;
  console.info(`mock cold start (in process): ${coldStartMs.toFixed(0)} ms`);
});
afterAll(async () => mock.close());

const H = { Authorization: 'Bearer t', 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': 'e30=' };
const logout = (headers: Record<string, string> = H, query = '?redirectUrl=https%3A%2F%2Fadobe.com') => fetch(`${mock.url}/api/v2/REF30/logout/Dish${query}`, { headers });

describe('mock', () => {
  it('serves the first documented example by default and any named one with Prefer', async () => {
    expect((await (await logout()).json()).logouts.Cablevision.actionName).toBe('logout');
    const degraded = await logout({ ...H, Prefer: 'example=logoutDegraded' });
    expect(await degraded.json()).toEqual({ logouts: { ATTOTT: { actionName: 'complete', actionType: 'none', mvpd: 'ATTOTT' } } });
  });

  it('answers a missing device identifier with invalid_header_device_identifier, not problem+json', async () => {
    const { 'AP-Device-Identifier': _, ...rest } = H;
    const r = await logout(rest);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(await r.json()).toMatchObject({ action: 'none', status: 400, code: 'invalid_header_device_identifier' });
  });

  it('answers a malformed device identifier and a bad redirectUrl with their codes', async () => {
    expect(await (await logout({ ...H, 'AP-Device-Identifier': 'serial 123' })).json()).toMatchObject({ code: 'invalid_header_device_identifier' });
    expect(await (await logout(H, '?redirectUrl=not%20a%20url')).json()).toMatchObject({ code: 'invalid_parameter_redirect_url' });
  });

  it('answers a missing bearer token with 401 invalid_access_token_client_application', async () => {
    const { Authorization: _, ...rest } = H;
    const r = await logout(rest);
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ action: 'application-registration', code: 'invalid_access_token_client_application' });
  });

  it('answers an empty mvpd segment with invalid_parameter_mvpd and a wrong method with 405 + Allow', async () => {
    const empty = await fetch(`${mock.url}/api/v2/REF30/logout/?redirectUrl=https%3A%2F%2Fadobe.com`, { headers: H });
    expect(await empty.json()).toMatchObject({ code: 'invalid_parameter_mvpd' });
    const wrong = await fetch(`${mock.url}/api/v2/REF30/logout/Dish`, { method: 'DELETE', headers: H });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('answers DCR mistakes in OAuth shape', async () => {
    const r = await fetch(`${mock.url}/o/client/register`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Info': 'e30=' }, body: JSON.stringify({ software_statement: 'not-a-jws' }) });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: 'invalid_software_statement' });
  });

  it('keeps Prism problem+json for mistakes in using the mock itself (unknown example name)', async () => {
    const r = await logout({ ...H, Prefer: 'example=noSuchExample' });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
  });
});
