// Secret canaries: a software statement longer than a report cell, the client credentials the
// host issues, its access tokens and a password in the target URL, against hosts that echo what
// they receive. None of them, nor a prefix, appears in any report file or log line.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.ts';
import type { JsonObject } from '../../src/description/document.ts';
import { startFakeAdobe, type FakeAdobeOptions } from '../support/fake-adobe/index.ts';
import { STATEMENT } from './support.ts';

const PASSWORD = 'URL-PASSWORD-CANARY-91f2';
const CLIENT_SECRET = 'CLIENT-SECRET-CANARY-5b7e-0123456789abcdef';
const saved = { ...process.env };
afterAll(() => {
  process.env = saved;
});

/** Runs `pass-contract check` as CI would (not a TTY, GitHub annotations) and collects everything it wrote. */
async function cliRun(host: FakeAdobeOptions, env: Record<string, string>, extra: string[] = []) {
  const fake = await startFakeAdobe({ throttle: false, softwareStatement: STATEMENT, ...host });
  const dir = await mkdtemp(join(tmpdir(), 'pass-secrets-'));
  const lines: string[] = [];
  const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false, stopped: () => new Promise(() => {}) };
  process.env = { ...saved, PASS_SERVICE_PROVIDER: 'REF30', PASS_MVPD: 'Cablevision', ...env };
  const target = fake.baseUrl.replace('http://', `http://pass:${PASSWORD}@`);
  try {
    const code = await main(['check', '--target', target, '--report', dir, '--rate', '1000', '--format', 'github', '--include-state-changing', ...extra], io);
    const files = await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f), 'utf8')));
    return { code, texts: [...files, lines.join('\n')], issued: fake.issued, fake };
  } finally {
    await fake.close();
  }
}

function expectNoSecret(texts: string[], secrets: string[]) {
  expect(secrets.length).toBeGreaterThan(0);
  for (const [i, text] of texts.entries()) {
    for (const s of secrets) {
      // The whole secret, and any 16-character slice of it: not even a prefix may show.
      for (let at = 0; at + 16 <= s.length; at += 8) { const k = text.indexOf(s.slice(at, at + 16)); expect(k < 0, `secret ${s.slice(0, 8)}… slice at ${at} in output ${i}: ${text.slice(Math.max(0, k - 120), k + 60)}`).toBe(true); }
    }
  }
}

describe('no secret reaches a report or a log line', () => {
  it('a host that echoes every request (headers and body) back in each response', async () => {
    const run = await cliRun({ echo: true }, { PASS_SOFTWARE_STATEMENT: STATEMENT });
    expect(run.issued.length).toBeGreaterThanOrEqual(3); // client id, client secret, access token
    // The echo is real drift (an addition), so it was shown — redacted.
    expect(run.texts.join('\n')).toMatch(/\/echo/);
    expect(run.texts.join('\n')).toContain('[redacted]');
    expectNoSecret(run.texts, [STATEMENT, PASSWORD, ...run.issued]);
  });

  it('values pasted with their line breaks (as CI secrets often are) are used trimmed, and shown in neither form', async () => {
    const run = await cliRun({ echo: true }, { PASS_SOFTWARE_STATEMENT: `${STATEMENT}\n`, PASS_SERVICE_PROVIDER: ' REF30\n', PASS_MVPD: 'Cablevision\r\n' });
    // Registration took the statement (the host accepts only the exact one) and issued credentials and a token.
    expect(run.issued.length).toBeGreaterThanOrEqual(3);
    const register = run.fake.received.filter((r) => r.operationId === 'retrieveClientCredentials' && r.body.includes(STATEMENT.slice(0, 40)));
    expect(register.length).toBeGreaterThan(0);
    for (const r of register) expect(JSON.parse(r.body).software_statement).toBe(STATEMENT);
    const paths = run.fake.received.map((r) => r.path).filter((p) => p.includes('REF30'));
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((p) => /%0D|%0A|%20/i.test(p))).toEqual([]);
    expectNoSecret(run.texts, [STATEMENT, PASSWORD, ...run.issued]);
  });

  it('a host that puts secrets into documented fields, headers and DCR error messages', async () => {
    let token = '';
    const run = await cliRun({
      inject: {
        retrieveAccessToken: { drift: (a) => ((token = String((a.body as JsonObject).access_token)), { ...a, headers: { ...a.headers, 'AP-Token-Echo': token } }) },
        retrieveConfiguration: { drift: (a) => (a.status === 200 ? { ...a, body: { ...(a.body as JsonObject), requestor: token, device: 7 } } : a) },
        retrieveProfiles: { drift: (a, r) => ({ ...a, status: 200, body: `<html>${r.headers.authorization}</html>`, headers: { 'Content-Type': 'application/json' } }) },
      },
    }, { PASS_SOFTWARE_STATEMENT: STATEMENT });
    expect(run.code).toBe(1);
    expect(token.length).toBeGreaterThan(200);
    expectNoSecret(run.texts, [STATEMENT, PASSWORD, ...run.issued]);
  });

  it('client credentials from the environment, echoed in the token error', async () => {
    const run = await cliRun({
      inject: { retrieveAccessToken: { drift: (_, r) => ({ status: 400, headers: { 'Content-Type': 'application/json' }, body: { error: 'invalid_client', error_description: r.body } }) } },
    }, { PASS_CLIENT_ID: 'CLIENT-ID-CANARY-77aa', PASS_CLIENT_SECRET: CLIENT_SECRET });
    expect(run.code).not.toBe(0); // no token: the bearer cases were not checked
    expectNoSecret(run.texts, [CLIENT_SECRET, 'CLIENT-ID-CANARY-77aa', PASSWORD]);
  });
});
