// Named input files (descriptions, scenarios, waivers, accepted drift) are read within bounds: a
// device is refused without being read (/dev/zero used to be read until the string limit, or for
// ever by the simulator), a directory is named as one, and at most the cap is read. Then every
// command that takes such a file, through main(), and `diff` reading a pipe (process substitution).
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.ts';
import { InputFileError, readTextFile, readTextFileSync } from '../../src/files/read-text.ts';

// Under the test run's own TMPDIR (tests/support/tmp-root.ts), removed when the run ends.
const tmp = () => mkdtemp(join(tmpdir(), 'pass-read-text-'));
/** Both readers, the synchronous one behind a promise. */
const readers = { async: readTextFile, sync: (path: string, max?: number) => Promise.resolve().then(() => readTextFileSync(path, max)) };

describe.each(Object.entries(readers))('readTextFile (%s)', (_, read) => {
  it('refuses a device and a directory without reading them, and says ENOENT for nothing there', async () => {
    await expect(read('/dev/zero')).rejects.toThrow(new InputFileError('/dev/zero', 'a character device, not a file'));
    const dir = await tmp();
    await expect(read(dir)).rejects.toMatchObject({ name: 'InputFileError', reason: 'a directory' });
    await expect(read(join(dir, 'missing.yaml'))).rejects.toMatchObject({ reason: 'ENOENT', message: `cannot read ${join(dir, 'missing.yaml')}: ENOENT` });
  });

  it('reads up to the cap, and refuses one byte more', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'at.txt'), 'é'.repeat(50)); // 100 bytes
    await writeFile(join(dir, 'over.txt'), `${'é'.repeat(50)}x`);
    await expect(read(join(dir, 'at.txt'), 100)).resolves.toBe('é'.repeat(50));
    await expect(read(join(dir, 'over.txt'), 100)).rejects.toMatchObject({ reason: 'larger than 100 bytes' });
  });

  it('reads a file whose size says 0 (procfs)', async () => {
    expect(await read('/proc/self/status')).toMatch(/^Name:/);
  });
});

describe('commands that take a named file', () => {
  it('diff reads a description from a pipe: bash process substitution, as in `diff <(git show HEAD~1:…) …`', async () => {
    // In its own process: a pipe's reader waits in Node's thread pool for the writer, and this
    // worker's pool may be busy with other files' work.
    const cli = `${JSON.stringify(process.execPath)} --import tsx src/cli/bin.ts`;
    const out = execFileSync('bash', ['-c', `${cli} diff --format json <(cat generated/openapi.json) generated/openapi.json`], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(out) as { base: string; changes: unknown[] };
    expect(report.base).toMatch(/^\/dev\/fd\/\d+$/);
    expect(report.changes).toEqual([]);
  });

  function io() {
    const err: string[] = [];
    const value: Io = { out: () => undefined, err: (l) => err.push(l), isTTY: false, stopped: () => new Promise(() => {}) };
    return { io: value, err };
  }
  const description = join(process.cwd(), 'generated', 'openapi.json');

  it.each([
    ['diff', ['diff', '/dev/zero', description], 'pass-contract: cannot read /dev/zero: a character device, not a file'],
    ['upstream', ['upstream', '/dev/zero'], 'pass-contract: cannot read /dev/zero: a character device, not a file'],
    ['upstream --waivers', ['upstream', '--waivers', '/dev/zero', description], 'pass-contract: cannot read waivers /dev/zero: a character device, not a file'],
    ['check --drift-file', ['check', '--drift-file', '/dev/zero'], 'pass-contract: cannot read the accepted-drift file /dev/zero: a character device, not a file'],
    ['simulate --scenario', ['simulate', '--scenario', '/dev/zero', '--port', '0'], 'pass-contract: /dev/zero: invalid scenario\n  /dev/zero (root): cannot read the file (a character device, not a file)'],
  ])('%s /dev/zero exits 2 and says why', async (_, args, message) => {
    const t = io();
    expect(await main(args, t.io)).toBe(2);
    expect(t.err.join('\n')).toBe(message);
  });
});
