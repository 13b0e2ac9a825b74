// The npm scripts' launcher runs dist/ only when it is at least as new as every source it is built from.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILDS, chooseEntry } from '../../scripts/launcher.mjs';

let root = '';
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = '';
});

/** A repository layout with every source and output file, all at `at` (seconds since the epoch). */
function layout(at: number): void {
  root = mkdtempSync(join(tmpdir(), 'pass-launcher-'));
  const files = BUILDS.flatMap((b) => [b.output, ...b.sources.map((s) => (s.endsWith('.json') ? s : `${s}/deep/file.ts`))]);
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), '');
  }
  // Folders count too (a deleted source changes its folder's time): age everything.
  const age = (path: string): void => {
    for (const e of readdirSync(path, { withFileTypes: true })) if (e.isDirectory()) age(join(path, e.name)); else utimesSync(join(path, e.name), at, at);
    utimesSync(path, at, at);
  };
  age(root);
}
const touch = (file: string, at: number) => utimesSync(join(root, file), at, at);

describe('launcher', () => {
  it('runs dist when every output is newer than its sources', () => {
    layout(1_000);
    for (const b of BUILDS) touch(b.output, 2_000);
    expect(chooseEntry(root)).toEqual({ kind: 'dist', entry: join(root, 'dist/src/cli/bin.js') });
  });

  it('runs src through tsx when any source file below a folder is newer, or an output is missing', () => {
    layout(1_000);
    for (const b of BUILDS) touch(b.output, 2_000);
    touch('packages/client/src/deep/file.ts', 3_000);
    expect(chooseEntry(root)).toMatchObject({ kind: 'src', entry: join(root, 'src/cli/bin.ts'), reason: expect.stringContaining('packages/client/src') });
    touch('packages/client/src/deep/file.ts', 1_000);
    expect(chooseEntry(root).kind).toBe('dist');
    touch('tsconfig.build.json', 3_000);
    expect(chooseEntry(root)).toMatchObject({ kind: 'src', reason: expect.stringContaining('tsconfig.build.json') });
    touch('tsconfig.build.json', 1_000);
    rmSync(join(root, 'dist/src/cli/bin.js'));
    expect(chooseEntry(root)).toMatchObject({ kind: 'src', reason: expect.stringContaining('missing') });
  });
});

describe('launcher sources', () => {
  const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const under = (file: string, folder: string) => file === folder || file.startsWith(`${folder}/`);
  // Another build's output folder (the tools import the client's compiled declarations).
  const outputs = BUILDS.map((b) => b.output.slice(0, b.output.indexOf('dist/') + 'dist'.length));

  // What the compiler reads for each build, from its own tsconfig and the imports it follows:
  // a source the launcher did not watch would let an edit run stale from dist/.
  it.each(BUILDS.map((b) => [b.output, b] as const))('%s: every file its compiler reads is a watched source', (_, build) => {
    const config = build.sources.find((s) => s.endsWith('tsconfig.build.json'));
    expect(config, 'each build names its tsconfig').toBeDefined();
    const file = ts.readJsonConfigFile(join(repo, config!), ts.sys.readFile);
    const parsed = ts.parseJsonSourceFileConfigFileContent(file, ts.sys, dirname(join(repo, config!)));
    const read = [
      ...(file.extendedSourceFiles ?? []),
      ...ts.createProgram(parsed.fileNames, parsed.options).getSourceFiles().map((f) => f.fileName),
    ]
      .map((f) => relative(repo, f))
      .filter((f) => !f.split('/').includes('node_modules'));
    expect(read.filter((f) => under(f, 'src') || under(f, 'packages/client/src')).length).toBeGreaterThan(10);
    expect(read.filter((f) => !build.sources.some((s) => under(f, s)) && !outputs.some((o) => under(f, o)))).toEqual([]);
  });
});
