// Runs the Arazzo workflows (workflows/adobe-pass.arazzo.yaml) with Redocly Respect against a
// simulator, with the inputs workflows/README.md lists for the default scenario.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/description/document.ts';

const REDOCLY = join(projectRoot, 'node_modules', '.bin', 'redocly');
export const WORKFLOWS = join(projectRoot, 'workflows', 'adobe-pass.arazzo.yaml');
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
const jws = (p: object) => `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(p)).toString('base64url')}.c2ln`;

/** The inputs workflows/README.md lists, for the default scenario. */
export function workflowInputs(base: string, softwareStatement: string, password = 'alice-password') {
  return {
    baseUrl: base, softwareStatement, serviceProvider: 'REF30',
    deviceInfo: b64({ primaryHardwareType: 'SetTopBox', model: 'AppleTV', version: '5,3', osName: 'tvOS', osVersion: '17.0', connectionType: 'WiFi' }),
    deviceId: `fingerprint ${Buffer.from('workflow-device-1').toString('base64')}`, secondDeviceId: `fingerprint ${Buffer.from('workflow-device-2').toString('base64')}`,
    secondDeviceInfo: b64({ primaryHardwareType: 'MobilePhone', model: 'iPhone', version: '15,2', osName: 'iOS', osVersion: '17.4', connectionType: 'WiFi' }),
    mvpd: 'Cablevision', username: 'alice', password, redirectUrl: `${base}/_mvpd/signed-in`, signIn: 'simulated',
    resource: 'REF30', deniedResource: 'premium-live',
    mvpdWithoutLogoutEndpoint: 'Dish', usernameWithoutLogoutEndpoint: 'carol', passwordWithoutLogoutEndpoint: 'carol-password',
    degradedMvpd: 'ATTOTT', tempPassMvpd: 'TempPass_TEST40', promotionalTempPassMvpd: 'flexibleTempPass', tempPassIdentity: b64({ email: 'viewer@example.com' }),
    serviceToken: jws({ iss: 'idp.example', sub: 'jane', aud: 'adobe', exp: 4_102_444_800 }),
    partnerFrameworkStatus: b64({ frameworkPermissionInfo: { accessStatus: 'granted' }, frameworkProviderInfo: { id: 'Cablevision', expirationDate: '4102444800000' } }),
  };
}

/** `redocly respect` against `base`; resolves with its exit code and output (bounded to 2 minutes). */
export function respect(base: string, input: object, extra: string[] = []): Promise<{ code: number; output: string }> {
  const args = ['respect', WORKFLOWS, '--server', `pass=${base}`, '--input', JSON.stringify(input), '--severity', 'SCHEMA_CHECK=warn', '--max-fetch-timeout', '10000', ...extra];
  return new Promise((resolve) => {
    execFile(REDOCLY, args, { cwd: projectRoot, timeout: 120_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}
