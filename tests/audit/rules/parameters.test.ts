// parameters.documented-only: what the description documents, per operation, against what was sent.
import { describe, expect, it } from 'vitest';
import { audit, device, noProfile, SP, T0, session } from '../support/har.ts';

const messages = (report: Awaited<ReturnType<typeof audit>>) => report.rules.find((r) => r.id === 'parameters.documented-only')!.findings.map((f) => `${f.requests.join(',')} ${f.message.replace(/ in \d+ requests?.*$/, '')}`);

describe('parameters.documented-only', () => {
  it('names every undocumented query parameter, header, body field and endpoint (REST API v1 leftovers)', async () => {
    const report = await audit([
      { at: 0, path: `/api/v2/${SP}/profiles?deviceId=abc&requestor=${SP}`, headers: { ...device(), 'AP-SDK-Identifier': 'android/3.0' }, response: noProfile },
      { at: 100, path: `/api/v2/${SP}/sessions`, headers: device(), body: 'mvpd=Cablevision&domainName=adobe.com&redirectUrl=https%3A%2F%2Fadobe.com&deviceType=appletv', status: 201, response: session('ABC', T0 + 60_000) },
      { at: 200, path: `/api/v2/${SP}/tokens/authn`, headers: device(), status: 404 },
      { at: 300, method: 'PUT', path: `/api/v2/${SP}/configuration`, headers: device(), status: 405 },
    ]);
    expect(messages(report).sort()).toEqual([
      '#1 retrieveProfiles: undocumented header `ap-sdk-identifier`',
      '#1 retrieveProfiles: undocumented query parameter `deviceId`',
      '#1 retrieveProfiles: undocumented query parameter `requestor`',
      '#2 createAuthenticationSession: undocumented body field `deviceType`',
      '#3 undocumented endpoint GET /api/v2/REF30/tokens/authn',
      '#4 PUT is not documented for /api/v2/REF30/configuration (documented: GET)',
    ]);
  });

  it('accepts documented parameters, HTTP and browser headers, and headers given with --allow-header', async () => {
    const browser = { 'Sec-Fetch-Mode': 'navigate', 'Accept-Encoding': 'gzip, br', 'Accept-Language': 'en', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const report = await audit([
      { at: 0, path: `/api/v2/${SP}/configuration?profile=abc`, headers: { ...device(), ...browser, 'X-Request-Id': 'r-1' }, response: { requestor: { mvpds: [] } } },
      { at: 100, path: `/api/v2/${SP}/sessions`, headers: device(undefined, { forwardedFor: '203.0.113.7' }), body: 'mvpd=Cablevision&domainName=adobe.com&redirectUrl=https%3A%2F%2Fadobe.com', status: 201, response: session('ABC', T0 + 60_000) },
      { at: 200, path: `/api/v2/${SP}/logout/Cablevision?redirectUrl=https%3A%2F%2Fadobe.com`, headers: device(), response: { logouts: {} } },
    ], { allowHeaders: ['X-Request-Id'] });
    expect(report.rules.find((r) => r.id === 'parameters.documented-only')).toMatchObject({ status: 'pass', examined: 3 });
  });
});
