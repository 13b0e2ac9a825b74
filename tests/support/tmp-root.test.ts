// The test run's temporary root (tests/support/tmp-root.ts) against runs that were killed: a CI
// job cancelled (SIGTERM, then SIGKILL) or a developer's `kill` ends vitest before its teardown,
// and the root it made in /tmp stays, ≈100 MB once the consumer test has installed its scratch
// projects. The next run on the machine removes those of runs whose process is gone.
// Before: the root was named without its process, and every killed run's root stayed for good.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setup, teardown } from './tmp-root.ts';

const scratch = mkdtempSync(join(tmpdir(), 'pass-tmp-root-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A process that runs until killed, as a test run does. */
function sleeper(): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => resolve({ pid: child.pid!, kill: async () => { child.kill('SIGKILL'); await exited; } }));
  });
}

/** A root as a run leaves it: scratch folders and files inside. */
function leftRoot(name: string): void {
  mkdirSync(join(scratch, name, 'pass consumer é-abc', 'node_modules', 'x'), { recursive: true });
  writeFileSync(join(scratch, name, 'pass consumer é-abc', 'node_modules', 'x', 'index.js'), 'x'.repeat(64 * 1024));
}

describe('the test run\'s temporary root', () => {
  it('is named after its run\'s process, and the next run removes the roots of runs that were killed', async () => {
    const killed = await sleeper();
    const running = await sleeper();
    try {
      await killed.kill();
      leftRoot(`pass-contract-tests-${killed.pid}-AbC123`);
      leftRoot(`pass-contract-tests-${running.pid}-DeF456`);
      leftRoot('pass-contract-tests-GhI789'); // not named after a process: not ours to judge
      leftRoot(`pass-contract-testsuite-${killed.pid}-x`); // another prefix
      const before = process.env.TMPDIR;
      process.env.TMPDIR = scratch;
      try {
        setup();
        const root = process.env.TMPDIR;
        expect(root).toMatch(new RegExp(`^${scratch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/pass-contract-tests-${process.pid}-`));
        expect(readdirSync(scratch).sort()).toEqual([
          root!.slice(scratch.length + 1),
          `pass-contract-tests-${running.pid}-DeF456`,
          'pass-contract-tests-GhI789',
          `pass-contract-testsuite-${killed.pid}-x`,
        ].sort());
        teardown();
        expect(process.env.TMPDIR).toBe(scratch);
        expect(readdirSync(scratch)).not.toContain(root!.slice(scratch.length + 1));
      } finally {
        process.env.TMPDIR = before;
      }
    } finally {
      await running.kill();
    }
  });
});
