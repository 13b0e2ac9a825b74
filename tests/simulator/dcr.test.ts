// DCR on the simulator: known software statements get credentials and expiring access tokens;
// everything else gets the OAuth errors Adobe's DCR pages list.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEVICE_INFO, device, SP, startTestSimulator, type TestSimulator } from './support.ts';

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator({
    tune: (s) => {
      // A second service provider the default statement is not issued for.
      s.serviceProviders.OTHER = { id: 'OTHER', name: 'Other', domains: [], mvpds: ['Cablevision'], decisionLimits: { preauthorize: 5, authorize: 1 } };
    },
  });
});
afterAll(() => t.close());
beforeEach(() => t.reset());
afterEach(() => expect(t.drifts).toEqual([]));

const register = (body: unknown, headers: Record<string, string> = { 'X-Device-Info': DEVICE_INFO }) => t.call('POST', '/o/client/register', { headers, json: body });

describe('client registration', () => {
  it('issues fresh client credentials for a known software statement', async () => {
    const a = await register({ software_statement: t.scenario.softwareStatements[0]!.statement });
    const b = await register({ software_statement: t.scenario.softwareStatements[0]!.statement });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ grant_types: ['client_credentials'], scopes: ['api:client:v2'], redirect_uris: ['app://com.programmer.adobe'] });
    expect(a.body.client_id).not.toBe(b.body.client_id);
    expect(a.body.client_secret).not.toBe(b.body.client_secret);
  });

  it('answers unapproved_software_statement to a statement it never issued, invalid_request to a malformed body', async () => {
    expect(await register({ software_statement: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln' })).toMatchObject({ status: 400, body: { error: 'unapproved_software_statement' } });
    expect(await register({})).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await register({ software_statement: t.scenario.softwareStatements[0]!.statement, extra: 1 })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await register({ software_statement: t.scenario.softwareStatements[0]!.statement }, {})).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('rejects a redirect_uri the statement does not list', async () => {
    expect(await register({ software_statement: t.scenario.softwareStatements[0]!.statement, redirect_uri: 'https://evil.example/cb' })).toMatchObject({ status: 400, body: { error: 'invalid_redirect_uri' } });
  });
});

describe('access tokens', () => {
  const tokenFor = async (form: Record<string, string>) => t.call('POST', '/o/client/token', { headers: { 'X-Device-Info': DEVICE_INFO }, form });

  it('issues a bearer token with expires_in from the scenario, which stops working when it expires', async () => {
    const reg = await register({ software_statement: t.scenario.softwareStatements[0]!.statement });
    const tok = await tokenFor({ client_id: reg.body.client_id, client_secret: reg.body.client_secret, grant_type: 'client_credentials' });
    expect(tok.status).toBe(201);
    expect(tok.body).toMatchObject({ token_type: 'bearer', expires_in: 21_600 });
    const token = tok.body.access_token as string;
    expect((await t.call('GET', `/api/v2/${SP}/configuration`, { token })).status).toBe(200);
    await t.advance(21_600_000 - 1000);
    expect((await t.call('GET', `/api/v2/${SP}/configuration`, { token })).status).toBe(200);
    await t.advance(1000);
    const expired = await t.call('GET', `/api/v2/${SP}/configuration`, { token });
    expect(expired).toMatchObject({ status: 401, body: { code: 'invalid_access_token_client_application', action: 'application-registration', status: 401 } });
  });

  it('answers invalid_client, unsupported_grant_type and invalid_request as the token page lists', async () => {
    const reg = await register({ software_statement: t.scenario.softwareStatements[0]!.statement });
    expect(await tokenFor({ client_id: reg.body.client_id, client_secret: 'wrong', grant_type: 'client_credentials' })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(await tokenFor({ client_id: 'nobody', client_secret: 'x', grant_type: 'client_credentials' })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(await tokenFor({ client_id: reg.body.client_id, client_secret: reg.body.client_secret, grant_type: 'password' })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(await tokenFor({ client_id: reg.body.client_id, grant_type: 'client_credentials' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('refuses a missing or unknown bearer token, and a token for another service provider', async () => {
    expect(await t.call('GET', `/api/v2/${SP}/profiles`, { headers: device(1) })).toMatchObject({ status: 401, body: { code: 'invalid_access_token_client_application' } });
    expect(await t.call('GET', `/api/v2/${SP}/profiles`, { headers: device(1), token: 'not-a-token' })).toMatchObject({ status: 401, body: { code: 'invalid_access_token_client_application' } });
    const token = await t.token();
    expect(await t.call('GET', '/api/v2/OTHER/profiles', { headers: device(1), token })).toMatchObject({ status: 401, body: { code: 'invalid_access_token_service_provider' } });
    expect(await t.call('GET', '/api/v2/NOPE/profiles', { headers: device(1), token })).toMatchObject({ status: 400, body: { code: 'invalid_parameter_service_provider' } });
  });
});
