// Report files: the directory is created, every file is written whole, no temp file is left, and one writer holds the directory at a time.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { claimReportDir, writeReportFiles } from '../../src/report/files.ts';

it('creates the directory, replaces what was there, returns the paths in order, leaves nothing else', async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'pass-report-')), 'nested', 'reports');
  await writeReportFiles(dir, [['b.md', 'old and longer than the new text']]);
  await writeFile(join(dir, 'keep.txt'), 'mine');
  const paths = await writeReportFiles(dir, [['b.md', 'new'], ['a.json', '{}\n']]);
  expect(paths).toEqual([join(dir, 'b.md'), join(dir, 'a.json')]);
  expect(await readFile(join(dir, 'b.md'), 'utf8')).toBe('new');
  expect(await readFile(join(dir, 'a.json'), 'utf8')).toBe('{}\n');
  expect((await readdir(dir)).sort()).toEqual(['a.json', 'b.md', 'keep.txt']);
});

it('a one-shot report waits while another writer holds the directory, then writes, and leaves no lock', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pass-report-'));
  const held = await claimReportDir(dir);
  let written = false;
  const writing = writeReportFiles(dir, [['a.json', '{}\n']]).then((paths) => ((written = true), paths));
  await new Promise((r) => setTimeout(r, 300));
  expect(written).toBe(false);
  // (A waiter's attempt at the lock shows for a moment as `.pass-contract.lock.<pid>.<nonce>.tmp`: not a report.)
  expect((await readdir(dir)).filter((f) => !/^\.pass-contract\.lock\..+\.tmp$/.test(f))).toEqual(['.pass-contract.lock']);
  await held.release();
  expect(await writing).toEqual([join(dir, 'a.json')]);
  expect(await readdir(dir)).toEqual(['a.json']);
});
