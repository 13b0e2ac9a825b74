// The Arazzo workflows in workflows/ run with Redocly Respect against a simulator started here;
// a run with a wrong password must fail, so the workflows' criteria can fail.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/description/document.ts';
import { startTestSimulator, type TestSimulator } from './support.ts';

const REDOCLY = join(projectRoot, 'node_modules', '.bin', 'redocly');
const WORKFLOWS = join(projectRoot, 'workflows', 'adobe-pass.arazzo.yaml');
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
const jws = (p: object) => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(p)).toString('base64url')}.c2ln`;

/** The inputs workflows/README.md lists, for the default scenario. */
function inputs(base: string, softwareStatement: string, password = 'alice-password') {
  return {
    baseUrl: base, softwareStatement, serviceProvider: 'REF30',
    deviceInfo: b64({ primaryHardwareType: 'SetTopBox', model: 'AppleTV', version: '5,3', osName: 'tvOS', osVersion: '17.0', connectionType: 'WiFi' }),
    deviceId: `fingerprint ${Buffer.from('workflow-device-1').toString('base64')}`, secondDeviceId: `fingerprint ${Buffer.from('workflow-device-2').toString('base64')}`,
    mvpd: 'Cablevision', username: 'alice', password, redirectUrl: `${base}/_mvpd/signed-in`, signIn: 'simulated',
    resource: 'REF30', deniedResource: 'premium-live',
    mvpdWithoutLogoutEndpoint: 'Dish', usernameWithoutLogoutEndpoint: 'carol', passwordWithoutLogoutEndpoint: 'carol-password',
    degradedMvpd: 'ATTOTT', tempPassMvpd: 'TempPass_TEST40', promotionalTempPassMvpd: 'flexibleTempPass', tempPassIdentity: b64({ email: 'viewer@example.com' }),
    serviceToken: jws({ iss: 'idp.example', sub: 'jane', aud: 'adobe', exp: 4_102_444_800 }),
    partnerFrameworkStatus: b64({ frameworkPermissionInfo: { accessStatus: 'granted' }, frameworkProviderInfo: { id: 'Cablevision', expirationDate: '4102444800000' } }),
  };
}

function respect(base: string, input: object, extra: string[] = []): Promise<{ code: number; output: string }> {
  const args = ['respect', WORKFLOWS, '--server', `pass=${base}`, '--input', JSON.stringify(input), '--severity', 'SCHEMA_CHECK=warn', '--max-fetch-timeout', '10000', ...extra];
  return new Promise((resolve) => {
    execFile(REDOCLY, args, { cwd: projectRoot, timeout: 120_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

let t: TestSimulator;
beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(() => t.close());

describe('Arazzo workflows under Respect', () => {
  it('run all seven workflows against the simulator', async () => {
    await t.reset();
    const statement = t.scenario.softwareStatements[0]!.statement;
    const { code, output } = await respect(t.url, inputs(t.url, statement));
    expect(output).toMatch(/Workflows: 7 passed, 7 total/);
    expect(code, output.slice(-3000)).toBe(0);
    for (const id of ['registration', 'secondScreenAuthentication', 'preauthorizationThenAuthorization', 'logoutPerMvpdKind', 'tempPass', 'degradedAccess', 'singleSignOn']) expect(output).toContain(`/ ${id}`);
    // Respect masks what it prints; the software statement never shows.
    expect(output).not.toContain(statement);
  }, 150_000);

  it('fail when the user cannot sign in', async () => {
    await t.reset();
    const { code, output } = await respect(t.url, inputs(t.url, t.scenario.softwareStatements[0]!.statement, 'wrong-password'), ['--workflow', 'secondScreenAuthentication']);
    expect(code).not.toBe(0);
    expect(output).toMatch(/Workflows: 1 failed, 1 total/);
    expect(output).toMatch(/signInAtMvpd/);
  }, 150_000);
});
