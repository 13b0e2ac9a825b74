// registration.once, token.reuse, token.expired-use, token.refresh-on-401: violating and compliant traffic.
import { describe, expect, it } from 'vitest';
import { audit, dcrHeaders, device, enhancedError, outcome, SP, tokenBody, tokenResponse, type Call } from '../support/har.ts';

const register = (at: number, status = 201): Call => ({ at, path: '/o/client/register', headers: dcrHeaders, body: { software_statement: 'eyJhbGciOiJSUzI1NiJ9.eyJzcyI6MX0.c2ln' }, status, response: status < 300 ? { client_id: 'client-1', client_secret: 'secret-1' } : { error: 'invalid_request' } });
const token = (at: number, value: string, expiresIn = 21600, status = 200): Call => ({ at, path: '/o/client/token', headers: dcrHeaders, body: tokenBody(), status, response: status === 200 ? tokenResponse(value, expiresIn) : { error: 'invalid_client' } });
const config = (at: number, tokenValue: string, status = 200): Call => ({ at, path: `/api/v2/${SP}/configuration`, headers: device(undefined, { token: tokenValue }), status, response: status === 200 ? { requestor: { mvpds: [] } } : enhancedError(401, 'invalid_access_token_client_application', 'application-registration') });

describe('registration.once', () => {
  it('flags a second registration with the same software statement', async () => {
    const report = await audit([register(0), token(100, 'A'), register(60_000), token(60_100, 'B')]);
    expect(outcome(report, 'registration.once')).toMatchObject({ status: 'fail', findings: [{ requests: ['#1', '#3'] }] });
  });

  it('passes one registration, and a new one after the token endpoint rejected the stored credentials', async () => {
    expect(outcome(await audit([register(0), token(100, 'A')]), 'registration.once')).toMatchObject({ status: 'pass', examined: 1 });
    const recovered = await audit([register(0), token(100, 'A', 21600, 400), register(200), token(300, 'B')]);
    expect(outcome(recovered, 'registration.once')).toMatchObject({ status: 'pass', examined: 2 });
  });

  it('is not exercised when the traffic has no registration', async () => {
    expect(outcome(await audit([config(0, 'A')]), 'registration.once').status).toBe('not-exercised');
  });
});

describe('token.reuse', () => {
  it('flags a token per call', async () => {
    const report = await audit([token(0, 'A'), config(100, 'A'), token(200, 'B'), config(300, 'B'), token(400, 'C'), config(500, 'C')]);
    expect(outcome(report, 'token.reuse')).toMatchObject({ status: 'fail', findings: [{ device: 'client_id client-1', requests: ['#3', '#5'] }] });
  });

  it('passes a token renewed in the last 5 minutes of its life, and one renewed after a 401', async () => {
    // 10-minute tokens: renewed 6 minutes in (4 minutes left, under the 5-minute margin).
    const nearExpiry = await audit([token(0, 'A', 600), config(1000, 'A'), token(360_000, 'B', 600), config(361_000, 'B')]);
    expect(outcome(nearExpiry, 'token.reuse')).toMatchObject({ status: 'pass', examined: 2 });
    const after401 = await audit([token(0, 'A'), config(1000, 'A', 401), token(2000, 'B'), config(3000, 'B')]);
    expect(outcome(after401, 'token.reuse')).toMatchObject({ status: 'pass', examined: 2 });
  });
});

describe('token.expired-use', () => {
  it('flags a request sent with a token after its expires_in', async () => {
    const report = await audit([token(0, 'A', 60), config(30_000, 'A'), config(70_000, 'A')]);
    expect(outcome(report, 'token.expired-use')).toMatchObject({ status: 'fail', findings: [{ requests: ['#3'] }] });
  });

  it('passes requests within the lifetime', async () => {
    expect(outcome(await audit([token(0, 'A', 60), config(30_000, 'A'), config(59_000, 'A')]), 'token.expired-use')).toMatchObject({ status: 'pass', examined: 2 });
  });
});

describe('token.refresh-on-401', () => {
  it('flags a retry with the token that was just refused', async () => {
    const report = await audit([token(0, 'A'), config(100, 'A', 401), config(300, 'A')]);
    expect(outcome(report, 'token.refresh-on-401')).toMatchObject({ status: 'fail', findings: [{ requests: ['#3'] }] });
  });

  it('passes a retry after a new token', async () => {
    const report = await audit([token(0, 'A'), config(100, 'A', 401), token(200, 'B'), config(300, 'B')]);
    expect(outcome(report, 'token.refresh-on-401')).toMatchObject({ status: 'pass', examined: 1 });
  });
});
