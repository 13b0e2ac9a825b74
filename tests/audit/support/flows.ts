// Traffic shared by several audit tests.
import { dcrHeaders, device, noProfile, profile, session, SP, T0, tokenBody, tokenResponse, type Call } from './har.ts';

const relay = device('YmEyM2QxNDE=', { forwardedFor: '203.0.113.7' });

/** The cookbook's server-to-server flow at a human pace, as a careful programmer service sends it. */
export const cleanFlow: Call[] = [
  { at: 0, path: '/o/client/register', headers: dcrHeaders, body: { software_statement: 'eyJhbGciOiJSUzI1NiJ9.eyJzcyI6MX0.c2ln' }, status: 201, response: { client_id: 'client-1', client_secret: 'secret-1' } },
  { at: 300, path: '/o/client/token', headers: dcrHeaders, body: tokenBody(), response: tokenResponse('token-A') },
  { at: 600, path: `/api/v2/${SP}/profiles`, headers: relay, response: noProfile },
  { at: 1200, path: `/api/v2/${SP}/configuration`, headers: relay, response: { requestor: { mvpds: [] } } },
  { at: 9000, path: `/api/v2/${SP}/sessions`, headers: relay, body: 'mvpd=Cablevision&domainName=adobe.com&redirectUrl=https%3A%2F%2Fadobe.com', status: 201, response: session('ABC123', T0 + 1_800_000) },
  { at: 9500, path: `/api/v2/${SP}/profiles/code/ABC123`, headers: { Authorization: 'Bearer token-A', Accept: 'application/json', 'X-Forwarded-For': '203.0.113.7' }, response: noProfile },
  { at: 13_500, path: `/api/v2/${SP}/profiles/code/ABC123`, headers: { Authorization: 'Bearer token-A', Accept: 'application/json', 'X-Forwarded-For': '203.0.113.7' }, response: profile('Cablevision') },
  { at: 20_000, path: `/api/v2/${SP}/decisions/authorize/Cablevision`, headers: relay, body: { resources: ['REF30'] }, response: { decisions: [{ resource: 'REF30', serviceProvider: SP, mvpd: 'Cablevision', source: 'mvpd', authorized: true }] } },
  { at: 600_000, path: `/api/v2/${SP}/logout/Cablevision?redirectUrl=https%3A%2F%2Fadobe.com`, headers: relay, response: { logouts: {} } },
];

