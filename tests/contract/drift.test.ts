// Drift is caught: a local server answers with deliberately drifted responses; the report names each one.
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckResult } from '../../src/contract/check.ts';
import type { CaseResult } from '../../src/contract/run.ts';
import { json, scriptedFetch, virtualClock } from '../client/support.ts';
import { startLocalAdobe } from '../support/local-adobe.ts';

// Loopback needs no pacing; Adobe's own pacing is checked below with a virtual clock.
const FAST = { ratePerSecond: 10_000, burst: 10_000 };

const CANARY = 'eyJhbGciOiJSUzI1NiJ9.CANARY-SOFTWARE-STATEMENT-7f3a.c2ln';
const profile = { notBefore: 1, notAfter: 2, issuer: 'Cablevision', type: 'regular', attributes: { userID: { value: 'u', state: 'plain' } } };

let adobe: Awaited<ReturnType<typeof startLocalAdobe>>;
let result: CheckResult;
let reportDir: string;

beforeAll(async () => {
  adobe = await startLocalAdobe({
    // A renamed field, carrying the bearer token it received (the report must redact it).
    retrieveProfiles: (r) => ({ status: 200, body: { profile: { Cablevision: profile }, echo: String(r.headers.authorization) } }),
    // An unknown actionName, then a logout action without its url.
    initiateLogout: (_, n) => ({ status: 200, body: { logouts: { Cablevision: n === 1 ? { actionName: 'signout', actionType: 'none', mvpd: 'Cablevision' } : { actionName: 'logout', actionType: 'interactive', mvpd: 'Cablevision' } } } }),
    // A status the page does not document.
    retrieveConfiguration: () => ({ status: 418, body: { teapot: true } }),
    // Plain text instead of JSON.
    retrieveProfileForMvpd: () => ({ status: 200, body: 'profiles: Cablevision', headers: { 'Content-Type': 'text/plain' } }),
  });
  reportDir = await mkdtemp(join(tmpdir(), 'pass-drift-'));
  result = await runCheck({
    target: adobe.baseUrl,
    reportDir,
    includeStateChanging: true,
    operations: ['retrieveProfiles', 'initiateLogout', 'retrieveConfiguration', 'retrieveProfileForMvpd', 'retrievePreauthorizationDecisions'],
    env: { PASS_SOFTWARE_STATEMENT: CANARY, PASS_SERVICE_PROVIDER: 'REF30', PASS_MVPD: 'Cablevision' },
    pace: FAST,
  });
}, 60_000);

afterAll(async () => adobe.close());

const first = (operationId: string, name?: string): CaseResult =>
  result.report.results.find((r) => r.operationId === operationId && r.kind === 'example' && (!name || r.name === name))!;

describe('drift against a drifted server', () => {
  it('exits 1 and registers with the software statement from the environment', () => {
    expect(result.exitCode).toBe(1);
    expect(adobe.count('retrieveClientCredentials')).toBe(1);
    expect(JSON.parse(adobe.received.find((r) => r.operationId === 'retrieveClientCredentials')!.body).software_statement).toBe(CANARY);
  });

  it('names a renamed field with both JSON pointers', () => {
    const pointers = first('retrieveProfiles').drifts.map((d) => d.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/profiles', '/profile']));
  });

  it('names an unknown actionName', () => {
    const drift = first('initiateLogout', 'logoutWithEndpoint').drifts.find((d) => d.pointer === '/logouts/Cablevision/actionName');
    expect(drift).toMatchObject({ kind: 'body', actual: '"signout"' });
  });

  it('names a logout action without url', () => {
    const drift = first('initiateLogout', 'logoutWithoutEndpoint').drifts.find((d) => d.pointer === '/logouts/Cablevision/url');
    expect(drift).toMatchObject({ kind: 'body', actual: '(absent)' });
  });

  it('names an undocumented status', () => {
    expect(first('retrieveConfiguration').drifts).toEqual([{ kind: 'status', pointer: '', expected: 'one of 200, 400, 401, 405, 429, 500', actual: '418' }]);
  });

  it('names text/plain instead of JSON', () => {
    expect(first('retrieveProfileForMvpd').drifts).toEqual([{ kind: 'content-type', pointer: '', expected: 'application/json', actual: 'text/plain' }]);
  });

  it('passes an operation that still matches', () => {
    expect(first('retrievePreauthorizationDecisions').outcome).toBe('pass');
  });

  it('lists each drift in summary.md with its pointer, expected and actual', async () => {
    const summary = await readFile(join(reportDir, 'summary.md'), 'utf8');
    expect(summary).toContain('| `/logouts/Cablevision/url` body | must have required property \'url\' | (absent) |');
    expect(summary).toMatch(/\| `retrieveConfiguration` \| 418 \| \d+ \| 0 \| \d+ \| 0 \|/);
    const junit = await readFile(join(reportDir, 'junit.xml'), 'utf8');
    expect(junit).toContain('<failure message="body /logouts/Cablevision/url');
  });

  it('never writes the software statement or the access token into a report file', async () => {
    const files = await readdir(reportDir);
    expect(files.sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
    const token = adobe.received.find((r) => r.operationId === 'retrieveProfiles')!.headers.authorization as string;
    expect(token).toMatch(/^Bearer \S+/);
    for (const file of files) {
      const text = await readFile(join(reportDir, file), 'utf8');
      expect(text, file).not.toContain(CANARY);
      expect(text, file).not.toContain(token.slice('Bearer '.length));
    }
    expect(await readFile(join(reportDir, 'report.json'), 'utf8')).toContain('[redacted]');
  });
});

describe('pacing against a real host', () => {
  it('sends a burst of 10 (the one-time allowance), then 1 request per 1.5 s (1 s + the limiter margin), and skips state-changing cases', async () => {
    const clock = virtualClock();
    const f = scriptedFetch((r) => new URL(r.url).pathname === '/o/client/token'
      ? json(201, { id: 'i', access_token: 'tok', created_at: 1, expires_in: 3600, token_type: 'bearer' })
      : json(200, { profiles: {} }), clock);
    const dir = await mkdtemp(join(tmpdir(), 'pass-pace-'));
    const run = await runCheck({ target: 'https://sp.auth-staging.adobe.com', reportDir: dir, fetch: f.fetch, pace: { clock }, operations: ['retrieveProfiles', 'retrieveProfileForMvpd', 'initiateLogout'], env: { PASS_CLIENT_ID: 'a', PASS_CLIENT_SECRET: 'b', PASS_SERVICE_PROVIDER: 'REF30', PASS_MVPD: 'Cablevision' } });
    const offsets = f.requests.map((r) => r.at - f.requests[0]!.at);
    expect(offsets.length).toBeGreaterThan(13);
    expect(offsets.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(offsets.slice(10, 13)).toEqual([1500, 3000, 4500]);
    expect(run.report.skipped.map((s) => s.id.split(' › ')[0])).toEqual(expect.arrayContaining(['initiateLogout']));
    expect(f.requests.some((r) => r.url.includes('/logout/'))).toBe(false);
  });
});

describe('usage and connection errors', () => {
  it('exits 2 when the host does not answer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-down-'));
    const down = await runCheck({ target: 'http://127.0.0.1:9', reportDir: dir, operations: ['retrieveConfiguration'], pace: FAST, env: { PASS_CLIENT_ID: 'a', PASS_CLIENT_SECRET: 'b', PASS_SERVICE_PROVIDER: 'REF30', PASS_MVPD: 'Cablevision' } });
    expect(down.exitCode).toBe(2);
    expect(down.report.results.every((r) => r.outcome === 'error')).toBe(true);
  });

  it('says which environment variables a real host needs', async () => {
    await expect(runCheck({ target: 'https://sp.auth-staging.adobe.com', env: {} })).rejects.toThrow(/PASS_SOFTWARE_STATEMENT \(or PASS_CLIENT_ID and PASS_CLIENT_SECRET\), PASS_SERVICE_PROVIDER, PASS_MVPD/);
  });

  it('rejects a target that is not a URL', async () => {
    await expect(runCheck({ target: 'staging' })).rejects.toThrow('--target must be "mock" or an http(s) base URL, got "staging"');
  });
});
