// `mkdir -p` that always ends. Node's own recursive mkdir (`fs.mkdir(dir, { recursive: true })`;
// seen here on Node 20, reported on 18 and 22) loops forever at 100% CPU where a parent exists but
// a mkdir of its child says ENOENT, as procfs does (`/proc/x`): the synchronous call never returns,
// the promise never settles, and a process waiting on it ignores a polite SIGTERM. make-dir,
// mkdirp and fs-extra all call it, so the walk is written here: each missing directory is created
// with one plain mkdir, and its error is the answer.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * Creates `dir` and whatever parents it lacks (each with `mode`, as `mkdir -p` does); resolves when
 * it is a directory. Rejects with the failing call's error: ENOTDIR when a file is in the way,
 * ENOENT where a parent cannot hold it (procfs), EACCES…
 */
export async function makeDirectory(dir: string, mode?: number): Promise<void> {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(at)).isDirectory();
    } catch (error) {
      const parent = dirname(at);
      if (code(error) !== 'ENOENT' || parent === at) throw error;
      missing.push(at);
      at = parent;
      continue;
    }
    if (isDirectory) break;
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), { code: 'ENOTDIR', errno: -20, syscall: 'mkdir', path: at });
  }
  for (const path of missing.reverse()) {
    try {
      await mkdir(path, mode === undefined ? undefined : { mode });
    } catch (error) {
      // Made meanwhile by another process or call: fine if it is a directory.
      if (code(error) !== 'EEXIST' || !(await stat(path)).isDirectory()) throw error;
    }
  }
}
