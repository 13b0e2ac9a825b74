// Standard output that cannot be written: `pass-contract check > run.log` or `proxy > proxy.log &`
// on a disk that has filled (here /dev/full, which fails every write with ENOSPC). Before: the
// first printed line threw from the stream's 'error' event, with a stack trace and exit code 1: the
// check stopped before its first case (its report "incomplete", its lock left), and the mock and
// the proxy died at start-up, taking the service's traffic with them.
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BUFFERED, streamIo } from '../../src/cli/io.ts';
import { projectRoot } from '../../src/description/document.ts';
import { loadDescription } from '../../src/description/index.ts';
import { startMock, type RunningMock } from '../../src/mock/server.ts';

/** A stream whose every write fails with `code`, as a file on a full disk does. */
const failing = (code: string) => new Writable({ write: (_chunk, _enc, cb) => cb(Object.assign(new Error(`${code}: cannot write`), { code })) });
/** A stream that keeps what it is given. */
function keeping() {
  const lines: string[] = [];
  return { lines, stream: new Writable({ write: (chunk: Buffer, _enc, cb) => { lines.push(...chunk.toString().split('\n').filter(Boolean)); cb(); } }) };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('a standard stream that cannot be written', () => {
  it('ends the printing to it, says so once on the other stream, and counts as lost (EPIPE does not)', async () => {
    const err = keeping();
    const io = streamIo(failing('ENOSPC'), err.stream);
    for (let i = 0; i < 5; i++) {
      io.out(`line ${i}`);
      await tick();
    }
    expect(err.lines).toEqual(['pass-contract: cannot write to standard output (ENOSPC): nothing more is printed there, and the command will exit 2']);
    expect(io.lost!()).toEqual(['standard output (ENOSPC)']);
    io.err('still here');
    await tick();
    expect(err.lines.at(-1)).toBe('still here');

    // The reader went away (`| head`): nothing to say, and the exit code stays the run's own.
    const quiet = keeping();
    const piped = streamIo(failing('EPIPE'), quiet.stream);
    piped.out('x');
    await tick();
    piped.out('y');
    expect(quiet.lines).toEqual([]);
    expect(piped.lost!()).toEqual([]);
  });

  it('a reader that stalls: what waits for it stays bounded, and once it catches up one line says how many it missed', async () => {
    // Before: every line waited in memory for as long as the reader stalled (a proxy prints one per exchange).
    const held: (() => void)[] = [];
    const got: string[] = [];
    const stalled = new Writable({
      highWaterMark: 16 * 1024,
      write: (chunk: Buffer, _enc, cb) => {
        got.push(chunk.toString());
        held.push(cb);
      },
    });
    const io = streamIo(stalled, keeping().stream);
    const LINES = 30_000;
    let most = 0;
    for (let i = 0; i < LINES; i++) {
      io.out(`exchange ${String(i).padStart(6, '0')} ${'x'.repeat(80)}`);
      most = Math.max(most, stalled.writableLength);
    }
    expect(most).toBeLessThanOrEqual(MAX_BUFFERED + 100);
    // The reader catches up.
    while (held.length > 0) {
      held.shift()!();
      await tick();
    }
    const lines = got.join('').split('\n').filter(Boolean);
    const printed = lines.filter((l) => l.startsWith('exchange '));
    const notice = lines.at(-1)!;
    const missed = Number(/^pass-contract: (\d+) lines not printed here: this output was not read as fast as it was written$/.exec(notice)?.[1]);
    expect(printed.length).toBeGreaterThan(1000);
    expect(printed.length + missed).toBe(LINES);
    // What was printed is the first lines, in order.
    expect(printed.at(-1)).toMatch(new RegExp(`^exchange ${String(printed.length - 1).padStart(6, '0')} `));
    expect(io.lost!()).toEqual([]);
  });

  it('both streams failing: nothing thrown, both lost', async () => {
    const io = streamIo(failing('EIO'), failing('ENOSPC'));
    io.out('a');
    io.err('b');
    await tick();
    io.out('c');
    io.err('d');
    await tick();
    expect(io.lost!()).toEqual(['standard output (EIO)', 'standard error (ENOSPC)']);
  });
});

/** Runs the command with its standard output on /dev/full and its standard error in a pipe. */
function spawnFull(args: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const full = openSync('/dev/full', 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/bin.ts'), ...args], { cwd: projectRoot, stdio: ['ignore', full, 'pipe'] });
  closeSync(full);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exit };
}

const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
};

/** Asks until the server answers (bounded), then returns the status. */
async function statusOf(url: string, deadline = Date.now() + 20_000): Promise<number> {
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000), headers: { 'X-Device-Info': 'eyJwcmltYXJ5SGFyZHdhcmVUeXBlIjoiU2V0VG9wQm94In0=' } });
      await res.arrayBuffer();
      return res.status;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const SAID = /^pass-contract: cannot write to standard output \(ENOSPC\): nothing more is printed there, and the command will exit 2$/m;

describe('standard output on a full disk (/dev/full)', () => {
  let upstream: RunningMock;
  beforeAll(async () => {
    upstream = await startMock({ port: 0, description: loadDescription() });
  });
  afterAll(async () => upstream.close());

  it('check runs every case, writes whole reports, lets the directory go, and exits 2 without a stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-cli-full-'));
    const run = spawnFull(['check', '--report', dir]);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(SAID);
    expect(run.stderr().match(/cannot write/g)).toHaveLength(1);
    expect(run.stderr()).not.toMatch(/\n\s+at |Error:/);
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { status: string; planned: number; results: unknown[]; verdict: { exitCode: number } };
    expect(report.status).toBe('complete');
    expect(report.results).toHaveLength(report.planned);
    expect(report.planned).toBeGreaterThan(100);
    expect(report.verdict.exitCode).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
  }, 90_000);

  it('the proxy stays up and forwards; on SIGTERM it writes its report and exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-cli-full-proxy-'));
    const port = await freePort();
    const run = spawnFull(['proxy', '--upstream', upstream.url, '--port', String(port), '--report', dir]);
    try {
      const url = `http://127.0.0.1:${port}/api/v2/REF30/configuration`;
      const statuses = [await statusOf(url)];
      for (let i = 0; i < 3; i++) statuses.push(await statusOf(url));
      expect(statuses.every((s) => s === statuses[0] && s < 500)).toBe(true);
      expect(run.child.exitCode).toBeNull();
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(SAID);
    expect(run.stderr().match(/cannot write/g)).toHaveLength(1);
    expect(run.stderr()).not.toMatch(/\n\s+at |Error:/);
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { counts: { results: number } };
    expect(report.counts.results).toBe(4);
  }, 90_000);

  it('the mock stays up and answers', async () => {
    const port = await freePort();
    const run = spawnFull(['mock', '--port', String(port)]);
    try {
      expect(await statusOf(`http://127.0.0.1:${port}/api/v2/REF30/configuration`)).toBeLessThan(500);
      expect(run.child.exitCode).toBeNull();
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(SAID);
  }, 90_000);
});
