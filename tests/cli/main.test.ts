// The CLI is a thin wrapper: help, exit codes and progress lines, driven through main().
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.ts';
import { projectRoot } from '../../src/description/document.ts';

/** `stopped` resolves at once (a long-running command stops right away) unless `running` is set. */
function io(isTTY = false, running = false) {
  const out: string[] = [];
  const err: string[] = [];
  const value: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY, stopped: () => (running ? new Promise(() => {}) : Promise.resolve()) };
  return { io: value, out, err };
}

describe('pass-contract CLI', () => {
  it('prints help with the exit codes and exits 0', async () => {
    const t = io();
    expect(await main(['check', '--help'], t.io)).toBe(0);
    expect(t.out.join('\n')).toMatch(/--target <mock\|simulator\|url>[\s\S]*Exit codes: 0 no drift, 1 drift, 2 usage or connection errors/);
  });

  it('prints the package version', async () => {
    const t = io();
    expect(await main(['--version'], t.io)).toBe(0);
    expect(t.out).toEqual([(JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version]);
  });

  it('says an unknown command is unknown and lists the commands (exit 2)', async () => {
    const t = io();
    expect(await main(['frobnicate'], t.io)).toBe(2);
    expect(t.err).toEqual(["pass-contract: unknown command 'frobnicate'. Commands: check, mock, proxy, simulate, diff, upstream, audit (pass-contract --help)"]);
  });

  it('prints the help on stderr and exits 2 when no command is given', async () => {
    const t = io();
    expect(await main([], t.io)).toBe(2);
    expect(t.err.join('\n')).toMatch(/Usage: pass-contract[\s\S]*Commands:[\s\S]*check[\s\S]*mock[\s\S]*proxy[\s\S]*audit/);
  });

  it.each([
    [['check', '--report', ''], '--report was given an empty value'],
    [['check', '--report='], '--report was given an empty value'],
    [['simulate', '--scenario', '', '--port', '0'], '--scenario was given an empty value'],
    [['proxy', '--upstream', 'http://127.0.0.1:9', '--record', '', '--port', '0'], '--record was given an empty value'],
    [['diff', 'openapi.yaml', ''], 'argument 2 of diff is empty'],
    [['audit', ''], 'argument 1 of audit is empty'],
  ])('%j: an empty value (an unset variable in a CI script) is a usage error, not a default', async (args, what) => {
    // Before: the reports went into the working directory, the default scenario ran, nothing was
    // recorded, and diff said "cannot read : ENOENT".
    const t = io();
    expect(await main(args, t.io)).toBe(2);
    expect(t.err).toEqual([`pass-contract: ${what} (an unset variable?); see pass-contract ${args[0]} --help`]);
    expect(t.out).toEqual([]);
  });

  it('`check | head`: a reader that goes away ends the printing, not the run (reports written, its own exit code, no EPIPE)', async () => {
    // Before: the next write after the pipe closed threw EPIPE as an unhandled 'error' event, with a
    // stack trace and exit code 1, which reads as drift.
    const dir = await mkdtemp(join(tmpdir(), 'pass-cli-pipe-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/bin.ts'), 'check', '--report', dir, '--format', 'github'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read the first chunk, then close the pipe as `head -1` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
  }, 60_000);

  it('exits 2 on a bad port', async () => {
    const t = io();
    expect(await main(['mock', '--port', '80000'], t.io)).toBe(2);
    expect(t.err.join('\n')).toContain('expected a port number from 0 to 65535, got "80000"');
  });

  it('mock, simulate and proxy on a port already taken exit 2 and say so in words', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as AddressInfo).port);
    try {
      for (const args of [['mock', '--port', port], ['simulate', '--port', port], ['proxy', '--upstream', 'http://127.0.0.1:9', '--port', port, '--report', join(tmpdir(), 'pass-cli-port-taken')]]) {
        const t = io();
        expect(await main(args, t.io), args[0]).toBe(2);
        expect(t.err).toEqual([`pass-contract: cannot listen on 127.0.0.1:${port}: the port is in use (another server listens there); choose another port, or 0 for a free one`]);
      }
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('exits 2 on an unknown option and on a bad target, saying what is wrong', async () => {
    const a = io();
    expect(await main(['check', '--frobnicate'], a.io)).toBe(2);
    expect(a.err.join('\n')).toContain("unknown option '--frobnicate'");
    const b = io();
    expect(await main(['check', '--target', 'staging'], b.io)).toBe(2);
    expect(b.err).toEqual(['pass-contract: --target must be "mock", "simulator" or an http(s) base URL, got "staging"']);
  });

  it('refuses a target with a query or fragment, without repeating them (each request adds its own path and query)', async () => {
    // Before: every request URL was broken (404s that read as drift), and the query went into the reports.
    for (const [target, what] of [['https://sp.auth-staging.adobe.com/?token=Canary-Q-81c2', 'a query'], ['https://sp.auth-staging.adobe.com/base#Canary-F-81c2', 'a fragment'], ['https://sp.auth-staging.adobe.com/?token=Canary-Q-81c2#x', 'a query and a fragment']]) {
      const t = io();
      expect(await main(['check', '--target', target!], t.io)).toBe(2);
      expect(t.err).toEqual([`pass-contract: --target must be a base URL without a query or fragment (each request adds its own path and query), got "${new URL(target!).origin}${new URL(target!).pathname}" with ${what}`]);
      expect(t.err.join('\n')).not.toContain('Canary');
    }
  });

  it('refuses a target or upstream that ends with /api/v2 or /o/client (each request adds it: every case was a 404 read as drift)', async () => {
    for (const [target, suffix] of [['https://sp.auth-staging.adobe.com/api/v2', '/api/v2'], ['https://sp.auth-staging.adobe.com/api/v2/', '/api/v2'], ['https://sp.auth-staging.adobe.com/o/client', '/o/client']]) {
      const t = io();
      expect(await main(['check', '--target', target!], t.io)).toBe(2);
      expect(t.err).toEqual([`pass-contract: --target ends with ${suffix}, which each request adds itself (/api/v2/… and /o/client/…): give the host's base URL, such as https://sp.auth-staging.adobe.com`]);
      const p = io();
      expect(await main(['proxy', '--upstream', target!, '--port', '0'], p.io)).toBe(2);
      expect(p.err.join('\n')).toContain(`--upstream ends with ${suffix}, which each request adds itself`);
    }
  });

  it('runs the check against the embedded mock: one progress line per operation on a TTY, exit 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-cli-'));
    const t = io(true, true);
    expect(await main(['check', '--report', dir], t.io)).toBe(0);
    const progress = t.out.filter((l) => l.startsWith('✓') || l.startsWith('✗'));
    expect(progress).toHaveLength(15);
    expect(progress.every((l) => l.startsWith('✓'))).toBe(true);
    expect(t.out.at(-2)).toMatch(/^\d+ results: \d+ pass, 0 breaking, 0 additions, 0 notes, 0 accepted, 0 errors, 0 not checked, 0 skipped$/);
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
  });

  it('prints one line per case when stdout is not a TTY (CI logs)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-cli-'));
    const t = io(false, true);
    expect(await main(['check', '-r', dir, '-o', 'initiateLogout'], t.io)).toBe(0);
    const cases = t.out.filter((l) => l.startsWith('✓ initiateLogout › '));
    expect(cases.length).toBeGreaterThan(5);
    expect(t.out).toHaveLength(cases.length + 3);
  });

  it('serves the mock until asked to stop', async () => {
    const t = io();
    expect(await main(['mock', '--port', '0'], t.io)).toBe(0);
    expect(t.out[0]).toMatch(/^mock listening on http:\/\/127\.0\.0\.1:\d+/);
  });
});
