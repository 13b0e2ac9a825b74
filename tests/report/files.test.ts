// Report files: the directory is created, every file is written whole, and no temp file is left.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { writeReportFiles } from '../../src/report/files.ts';

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
