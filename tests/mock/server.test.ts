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

// A valid X-Device-Info: base64 of a DeviceInfo document with its required fields.
const deviceInfo = Buffer.from(JSON.stringify({ model: 'AppleTV', version: '5,3', osName: 'tvOS', osVersion: '17.0', connectionType: 'WiFi' })).toString('base64');
const H = { Authorization: 'Bearer t', 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': deviceInfo };
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
    const r = await fetch(`${mock.url}/o/client/register`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Info': deviceInfo }, body: JSON.stringify({ software_statement: 'not-a-jws' }) });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: 'invalid_software_statement' });
  });

  it('answers an X-Device-Info that is not base64 JSON with invalid_header_device_info', async () => {
    for (const bad of ['e30=', 'not base64', Buffer.from('{"model":').toString('base64')]) {
      const r = await logout({ ...H, 'X-Device-Info': bad });
      expect(r.status, bad).toBe(400);
      expect(await r.json()).toMatchObject({ code: 'invalid_header_device_info' });
    }
  });

  it('answers an unknown Prefer example with 404 problem+json that lists the operation’s examples', async () => {
    const r = await logout({ ...H, Prefer: 'example=noSuchExample' });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect((await r.json()).examples).toContainEqual({ name: 'logoutDegraded', status: 200 });
  });

  it('reads at most maxBodyBytes of a body and answers the rest as an unreadable body, never 5xx', async () => {
    const small = await startMock({ port: 0, maxBodyBytes: 1024 });
    try {
      const r = await fetch(`${small.url}/api/v2/REF30/decisions/authorize/Cablevision`, {
        method: 'POST', headers: { ...H, 'Content-Type': 'application/json' }, body: JSON.stringify({ resources: ['x'.repeat(4096)] }),
      });
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({ code: 'invalid_parameter_resources' });
    } finally {
      await small.close();
    }
  });

  it('closes with a keep-alive connection still open (the test times out if close waits for it)', async () => {
    const other = await startMock({ port: 0 });
    const r = await fetch(`${other.url}/api/v2/REF30/logout/Dish?redirectUrl=https%3A%2F%2Fadobe.com`, { headers: H });
    expect(r.headers.get('connection')).toBe('keep-alive');
    await r.text();
    await other.close();
    await expect(fetch(`${other.url}/api/v2/REF30/logout/Dish`, { headers: H })).rejects.toThrow();
  });
});

describe('mock secrets', () => {
  it('never echoes a client secret or software statement from a malformed body, in the answer or the verbose log', async () => {
    const canary = 'CANARY-secret-7f3a9c';
    const log: string[] = [];
    const m = await startMock({ port: 0, onRequest: (e) => log.push(JSON.stringify(e)) });
    try {
      const answers = await Promise.all([
        fetch(`${m.url}/o/client/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Device-Info': deviceInfo }, body: `client_id=a&client_secret=${canary}%zz&grant_type=client_credentials` }),
        fetch(`${m.url}/o/client/register`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Info': deviceInfo }, body: `{"software_statement": "${canary}` }),
        fetch(`${m.url}/o/client/register`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Info': deviceInfo }, body: `not json ${canary}` }),
      ]);
      for (const r of answers) {
        expect(r.status).toBe(400);
        const text = `${JSON.stringify([...r.headers])} ${await r.text()}`;
        expect(text).not.toContain(canary);
        expect(text).not.toContain(canary.slice(0, 12));
      }
      expect(log).toHaveLength(3);
      expect(log.join('\n')).not.toContain(canary.slice(0, 12));
    } finally {
      await m.close();
    }
  });
  it('gives a URL clients can use when it listens on an IPv6 address', async () => {
    const v6 = await startMock({ port: 0, host: '::1' });
    try {
      expect(v6.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      const r = await fetch(`${v6.url}/api/v2/REF30/logout/Dish?redirectUrl=https%3A%2F%2Fadobe.com`, { headers: H });
      expect(r.status).toBe(200);
    } finally {
      await v6.close();
    }
  });
});
