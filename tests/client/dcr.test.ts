import { describe, expect, it } from 'vitest';
import { createPassClient } from '../../packages/client/src/index.ts';
import { DcrTokenManager } from '../../packages/client/src/dcr.ts';
import type { RequestLogEntry } from '../../packages/client/src/middleware/logger.ts';
import { MemoryTokenStore } from '../../packages/client/src/stores.ts';
import { enhancedError, json, scriptedFetch, virtualClock } from './support.ts';

const CANARY_STATEMENT = 'CANARY.software.statement';
const CANARY_SECRET = 'CANARY-client-secret';
const header = { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': 'e30=' };
const logoutBody = { logouts: { Dish: { actionName: 'complete', actionType: 'none', mvpd: 'Dish' } } };

/** A fake Adobe: DCR endpoints count calls; REST calls need the latest token. */
function adobe(o: { tokenLifetimeS?: number; rejectClient?: string } = {}) {
  let tokens = 0;
  let registrations = 0;
  const f = scriptedFetch(async (r) => {
    const path = new URL(r.url).pathname;
    if (path === '/o/client/register') {
      registrations++;
      return json(201, { client_id: `client-${registrations}`, client_secret: CANARY_SECRET, client_id_issued_at: 1, redirect_uris: [], grant_types: ['client_credentials'], scopes: ['api:client:v2'] });
    }
    if (path === '/o/client/token') {
      const form = new URLSearchParams(await r.text());
      if (form.get('client_id') === o.rejectClient) return json(400, { error: 'invalid_client' });
      tokens++;
      return json(201, { id: 'x', access_token: `token-${tokens}`, created_at: 1, expires_in: o.tokenLifetimeS ?? 3600, token_type: 'bearer' });
    }
    return r.headers.get('Authorization') === `Bearer token-${tokens}` ? json(200, logoutBody) : enhancedError(401, 'invalid_access_token_client_application', 'application-registration');
  });
  return { ...f, tokens: () => tokens, registrations: () => registrations };
}

const logout = (pass: ReturnType<typeof createPassClient>) =>
  pass.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' }, query: { redirectUrl: 'https://adobe.com' }, header } });

describe('DCR token handling', () => {
  it('registers once and sends exactly one token request for 20 concurrent calls with an expired token', async () => {
    const a = adobe();
    const clock = virtualClock();
    const store = new MemoryTokenStore({ clientCredentials: { clientId: 'client-0', clientSecret: 's' }, accessToken: { value: 'old', expiresAt: clock.now() - 1 } });
    const pass = createPassClient({ baseUrl: 'http://pass.test', fetch: a.fetch, clock, dcr: { deviceInfo: 'e30=', store, softwareStatement: CANARY_STATEMENT } });
    const results = await Promise.all(Array.from({ length: 20 }, () => logout(pass)));
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    expect(a.tokens()).toBe(1);
    expect(a.registrations()).toBe(0);
    expect((await store.load())?.accessToken?.value).toBe('token-1');
  });

  it('reuses a token until shortly before expires_in, then fetches a new one', async () => {
    const a = adobe({ tokenLifetimeS: 3600 });
    const clock = virtualClock();
    const pass = createPassClient({ baseUrl: 'http://pass.test', fetch: a.fetch, clock, dcr: { deviceInfo: 'e30=', softwareStatement: CANARY_STATEMENT } });
    await logout(pass);
    clock.advance(3600_000 - 300_000 - 1); // just before the 5-minute margin of a 1 h token
    await logout(pass);
    expect(a.tokens()).toBe(1);
    clock.advance(2);
    await logout(pass);
    expect(a.tokens()).toBe(2);
    expect(a.registrations()).toBe(1);
  });

  it('registers again once when stored client credentials are rejected (invalid_client)', async () => {
    const a = adobe({ rejectClient: 'revoked' });
    const manager = new DcrTokenManager({ baseUrl: 'http://pass.test', fetch: a.fetch, deviceInfo: 'e30=', softwareStatement: CANARY_STATEMENT, store: new MemoryTokenStore({ clientCredentials: { clientId: 'revoked', clientSecret: 's' } }) });
    expect(await manager.getAccessToken()).toBe('token-1');
    expect(a.registrations()).toBe(1);
  });

  it('sends the software statement as JSON and the client credentials as a form', async () => {
    const a = adobe();
    await new DcrTokenManager({ baseUrl: 'http://pass.test', fetch: a.fetch, deviceInfo: 'e30=', softwareStatement: CANARY_STATEMENT }).getAccessToken();
    const [register, token] = a.requests;
    expect(register!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(register!.body)).toEqual({ software_statement: CANARY_STATEMENT });
    expect(token!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(token!.body))).toEqual({ client_id: 'client-1', client_secret: CANARY_SECRET, grant_type: 'client_credentials' });
    expect(register!.headers['x-device-info']).toBe('e30=');
  });

  it('never lets a secret reach the logger or an error message', async () => {
    const entries: RequestLogEntry[] = [];
    const a = adobe();
    const pass = createPassClient({ baseUrl: 'http://pass.test', fetch: a.fetch, clock: virtualClock(), logger: (e) => entries.push(e), dcr: { deviceInfo: 'e30=', softwareStatement: CANARY_STATEMENT } });
    await logout(pass);
    expect(entries.map((e) => e.operation)).toEqual(['/o/client/register', '/o/client/token', '/api/v2/{serviceProvider}/logout/{mvpd}']);
    const logged = JSON.stringify(entries);
    for (const secret of [CANARY_STATEMENT, CANARY_SECRET, 'token-1']) expect(logged).not.toContain(secret);

    const failing = new DcrTokenManager({ baseUrl: 'http://pass.test', deviceInfo: 'e30=', softwareStatement: CANARY_STATEMENT, fetch: async () => json(400, { error: 'invalid_software_statement', echoed: CANARY_STATEMENT }) });
    const error = await failing.getAccessToken().catch((e: Error) => e);
    expect(String((error as Error).message)).toMatch(/registration failed: HTTP 400 \(invalid_software_statement\)/);
    expect(JSON.stringify(error) + String((error as Error).message) + String((error as Error).stack)).not.toContain(CANARY_STATEMENT);
  });
});
