// An https host whose certificate this machine does not trust: what a proxy that inspects TLS on a
// corporate network or CI runner looks like. The run says so at its connect probe, before sending
// anything, and names the remedy; given the CA as NODE_EXTRA_CA_CERTS, the same run checks the host.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/contract/check.ts';
import { projectRoot } from '../../src/description/document.ts';
import { startFakeAdobe, type FakeAdobe } from '../support/fake-adobe/index.ts';
import { startTlsFront, TLS_CERT } from '../support/tls-front.ts';
import { description, ENV, STATEMENT } from './support.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** The fake Adobe host behind a TLS front end whose self-signed certificate this machine does not trust. */
async function httpsHost(): Promise<{ host: FakeAdobe; url: string; handshakes: () => number }> {
  const host = await startFakeAdobe({ throttle: false, softwareStatement: STATEMENT, description });
  const front = await startTlsFront(host.baseUrl);
  cleanup.push(() => host.close(), () => front.close());
  return { host, url: front.url, handshakes: front.handshakes };
}

describe('an https host whose certificate this machine does not trust', () => {
  it('stops at the connect probe with exit 2, names the problem and NODE_EXTRA_CA_CERTS, and sends nothing', async () => {
    const { host, url, handshakes } = await httpsHost();
    const dir = await mkdtemp(join(tmpdir(), 'pass-tls-'));
    const result = await runCheck({ target: url, reportDir: dir, driftFile: false, env: ENV, description, operations: ['retrieveConfiguration'] });
    expect(result.exitCode).toBe(2);
    expect(result.report.status).toBe('unreachable');
    const port = new URL(url).port;
    expect(result.report.statusDetail).toBe(`cannot connect to 127.0.0.1:${port}: the host's TLS certificate is not trusted here (DEPTH_ZERO_SELF_SIGNED_CERT); if a proxy inspects TLS on this network, give Node its CA certificate: NODE_EXTRA_CA_CERTS=/path/to/ca.pem`);
    expect(host.received).toEqual([]);
    expect(handshakes()).toBe(0);
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('given its CA as NODE_EXTRA_CA_CERTS, the command checks the host (the probe and fetch trust the same)', async () => {
    const { host, url } = await httpsHost();
    const dir = await mkdtemp(join(tmpdir(), 'pass-tls-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/bin.ts'), 'check', '--target', url, '--report', dir, '--rate', '1000', '-o', 'retrieveConfiguration'], {
      cwd: projectRoot, env: { ...process.env, ...ENV, NODE_EXTRA_CA_CERTS: TLS_CERT }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { results: { operationId: string; outcome: string }[] };
    expect(report.results.filter((r) => r.operationId === 'retrieveConfiguration').map((r) => r.outcome)).toContain('pass');
    expect(report.results.filter((r) => r.outcome === 'error')).toEqual([]);
    expect(host.received.length).toBeGreaterThan(2);
  }, 70_000);
});
