// An earlier commit's source tree, for benchmarks that time "before" and "after" side by side in one
// process: `git worktree add` into a temporary folder that reuses this tree's node_modules (run
// through tsx, its TypeScript imports as this tree's do), removed on exit and on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const STEP_TIMEOUT_MS = 60_000;
/** This repository's root. */
export const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Runs git in this repository; throws with its stderr when it fails. */
export function git(...args: string[]): string {
  const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8', timeout: STEP_TIMEOUT_MS });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.trim() || r.error?.message}`);
  return r.stdout.trim();
}

export interface BaselineTree {
  /** `abc1234`, the commit checked out. */
  commit: string;
  /** The folder it is checked out in. */
  path: string;
  /** Imports a module of the baseline tree by its path from the repository root (`src/…`). */
  load<T>(path: string): Promise<T>;
  remove(): void;
}

/** Checks out `rev` (a commit, tag or branch) beside this tree; `remove()` (or exit) deletes it. */
export function baselineTree(rev: string): BaselineTree {
  const commit = git('rev-parse', '--short', `${rev}^{commit}`);
  const scratch = mkdtempSync(join(tmpdir(), 'pass-bench-baseline-'));
  const tree = join(scratch, 'tree');
  const remove = () => {
    if (existsSync(tree)) spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: repo, timeout: STEP_TIMEOUT_MS });
    rmSync(scratch, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: repo, timeout: STEP_TIMEOUT_MS });
  };
  process.once('exit', remove);
  process.once('SIGINT', () => {
    remove();
    process.exit(130);
  });
  git('worktree', 'add', '--detach', tree, commit);
  symlinkSync(join(repo, 'node_modules'), join(tree, 'node_modules'), 'dir');
  return { commit, path: tree, load: (path) => import(pathToFileURL(join(tree, path)).href), remove };
}
