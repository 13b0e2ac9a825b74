// Global setup: one temporary folder for the whole test run, removed at its end. Tests (and the
// commands they spawn) make their scratch folders with mkdtemp under os.tmpdir(), which reads
// TMPDIR; pointing TMPDIR here before the workers start means a run leaves nothing in /tmp, even
// when a test fails before its own clean-up. Tests that check our code leaves no temp files
// behind look in the folders that code writes to, not here.
// A run killed before its teardown (a cancelled CI job, a `kill`) cannot remove its root, so the
// root is named after the run's process and the next run removes those whose process is gone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeAbandoned } from './abandoned.ts';

const ROOT_PREFIX = 'pass-contract-tests-';

let root: string | undefined;
let previous: string | undefined;

export function setup() {
  previous = process.env.TMPDIR;
  removeAbandoned(tmpdir(), ROOT_PREFIX);
  root = mkdtempSync(join(tmpdir(), `${ROOT_PREFIX}${process.pid}-`));
  process.env.TMPDIR = root;
}

export function teardown() {
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  if (root) rmSync(root, { recursive: true, force: true });
}
