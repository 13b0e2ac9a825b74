// A disk that fills while we write. The kernel writes what fits and returns that count without an
// error; only the next write fails (ENOSPC on a full disk; EFBIG past a file-size limit, which is how
// these tests make it happen without root: `ulimit -f` in the child's shell). write-file-atomic made
// one write and renamed what it got, so `check` put a report.json cut at 4,096 bytes in place and
// exited 0; the HAR recorder counted a cut entry as recorded and left a file no parser reads.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../packages/client/src/index.ts';
import { FileTokenStore } from '../../packages/client/src/node/file-store.ts';
import { writeReportFiles } from '../../src/report/files.ts';
import { bundleScript } from '../client/support/bundle.ts';
import { startFakeAdobe, STATEMENT } from '../client/support/fake-adobe.ts';
import { deviceInfo } from '../client/support/pass.ts';

/** 64 blocks: 32 KiB in POSIX `sh` (512-byte blocks), 64 KiB in bash. Either is far below BIG. */
const LIMIT_BLOCKS = 64;
const BIG = 200_000;
let script: string;
beforeAll(async () => {
  script = await bundleScript(fileURLToPath(new URL('./support/full-disk-child.ts', import.meta.url)));
}, 60_000);

interface ChildEnd { code: number | null; signal: NodeJS.Signals | null; out: Record<string, unknown> }

/** Runs the child with MODE and TARGET, its files limited to `limitBlocks` (null: no limit). */
function child(mode: string, target: string, limitBlocks: number | null = LIMIT_BLOCKS, env: Record<string, string> = {}): { done: Promise<ChildEnd>; pid: number; line: Promise<Record<string, unknown>> } {
  const args = limitBlocks !== null ? ['-c', `ulimit -f ${limitBlocks} && exec "$0" "$1"`, process.execPath, script] : ['-c', 'exec "$0" "$1"', process.execPath, script];
  const proc = spawn('sh', args, { env: { ...process.env, MODE: mode, TARGET: target, BIG_BYTES: String(BIG), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onLine!: (v: Record<string, unknown>) => void;
  const line = new Promise<Record<string, unknown>>((resolve) => (onLine = resolve));
  proc.stdout.on('data', (c: Buffer) => {
    stdout += c;
    const first = stdout.split('\n')[0];
    if (stdout.includes('\n') && first) onLine(JSON.parse(first) as Record<string, unknown>);
  });
  proc.stderr.on('data', (c: Buffer) => (stderr += c));
  const done = new Promise<ChildEnd>((resolve) => proc.on('exit', (code, signal) => {
    if (code !== 0 && stderr) console.error(stderr);
    resolve({ code, signal, out: stdout.trim() ? (JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>) : {} });
  }));
  return { done, pid: proc.pid!, line };
}

const tempDir = () => mkdtemp(join(tmpdir(), 'pass-full-disk-'));

describe('a write that meets a full disk leaves the file whole', () => {
  it('a report that does not fit: the error names the directory and the cause, the previous report.json stays, no temp file', async () => {
    const dir = await tempDir();
    const previous = `${JSON.stringify({ runId: 'previous', results: [] })}\n`;
    await writeFile(join(dir, 'report.json'), previous);
    const end = await child('report', dir).done;
    expect([end.code, end.signal]).toEqual([0, null]);
    expect(end.out.error).toMatchObject({ name: 'ReportDirError', code: 'EFBIG' });
    expect((end.out.error as { message: string }).message).toBe(`--report ${dir} cannot hold the report: EFBIG`);
    expect(await readFile(join(dir, 'report.json'), 'utf8')).toBe(previous);
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('the same report is written whole without the limit (the limit, not the content, made it fail)', async () => {
    const dir = await tempDir();
    const end = await child('report', dir, null).done;
    expect(end.out).toEqual({ written: true });
    const text = await readFile(join(dir, 'report.json'), 'utf8');
    expect((JSON.parse(text) as { results: string }).results).toHaveLength(BIG);
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('a token store save that does not fit rejects, and the store still holds the state saved before', async () => {
    const dir = await tempDir();
    const path = join(dir, 'tokens.json');
    const before = { clientCredentials: { clientId: 'id-before', clientSecret: 'secret-before' }, accessToken: { value: 'token-before', expiresAt: 1 } };
    await new FileTokenStore(path).save(before);
    const end = await child('store', path).done;
    expect([end.code, end.signal]).toEqual([0, null]);
    expect(end.out.error).toMatchObject({ code: 'EFBIG' });
    expect(await new FileTokenStore(path).load()).toEqual(before);
    expect(await readdir(dir)).toEqual(['tokens.json']);
  });

  // With no room at all (a limit of 0: every write fails), neither the lock file nor the state can be
  // written. Before, every call failed with the lock's EFBIG (ENOSPC on a disk), although Adobe would
  // have answered them all; with a little room, each call registered with Adobe again.
  it('a programmer service whose token store cannot be written at all goes on: 10 calls answered, one registration, one token', async () => {
    const adobe = await startFakeAdobe({ clock: systemClock });
    try {
      const dir = await tempDir();
      const end = await child('client', join(dir, 'tokens.json'), 0, { BASE_URL: adobe.baseUrl, STATEMENT, DEVICE_INFO: deviceInfo }).done;
      expect([end.code, end.signal]).toEqual([0, null]);
      expect(end.out.statuses).toEqual(Array(10).fill(200));
      expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 1]);
      expect(end.out.warnings).toEqual(['store-not-locked', 'store-not-saved', 'store-not-saved']);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await adobe.close();
    }
  });

  it('a HAR entry that does not fit is not counted, the file stays valid HAR, and the next entry that fits is recorded', async () => {
    const path = join(await tempDir(), 'traffic.har');
    const end = await child('har', path).done;
    expect([end.code, end.signal]).toEqual([0, null]);
    expect(end.out.outcomes).toEqual(['recorded', expect.objectContaining({ code: 'EFBIG' }), 'recorded']);
    expect(end.out.count).toBe(2);
    const har = JSON.parse(await readFile(path, 'utf8')) as { log: { entries: { response: { content: { text: string } } }[] } };
    expect(har.log.entries.map((e) => e.response.content.text.length)).toEqual([JSON.stringify({ id: 'x'.repeat(100) }).length, JSON.stringify({ id: 'x'.repeat(100) }).length]);
  });
});

describe('a writer killed between write and rename', () => {
  it('leaves its temp file, which the next report written into the directory removes', async () => {
    const dir = await tempDir();
    const run = child('hang-before-rename', join(dir, 'report.json'), null);
    const { temp } = (await run.line) as { temp: string };
    expect(await readdir(dir)).toEqual([temp.slice(dir.length + 1)]);
    process.kill(run.pid, 'SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');
    await writeReportFiles(dir, [['report.json', '{}\n']]);
    expect(await readdir(dir)).toEqual(['report.json']);
  });
});
