// The npm scripts' launcher runs dist/ only when it is at least as new as every source it is built from.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILDS, chooseEntry } from '../../scripts/launcher.mjs';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

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
