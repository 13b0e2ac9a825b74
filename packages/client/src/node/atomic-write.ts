// Replaces a file whole or not at all: a temp file beside it, every byte written, fsync, rename.
// The token store and the tools' report files both write through it.
//
// Written on fs primitives, not `write-file-atomic` (7.0.1 and 8.0.0): that issues one `write()` and
// renames whatever it wrote. On a filling disk `write()` writes what fits and returns that count
// without an error, so `pass-contract check` renamed a report.json cut at 4,096 bytes into place and
// exited 0. `FileHandle.writeFile` writes in a loop until every byte is down, so the next write
// meets the full disk (ENOSPC, or EFBIG past a file-size limit) and the rename never happens.
import { randomUUID } from 'node:crypto';
import { fsync } from 'node:fs';
import { open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isRunning, thisHost } from './file-lock.ts';

/** The host part of temp names: enough to tell whose pid it is. */
const HOST_TAG = thisHost.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40) || 'host';

export interface AtomicWriteOptions {
  /** The file's mode (default: the mode of the file it replaces, else 0o666 less the umask). */
  mode?: number;
  /** Test seam: runs after the temp file is written and before the rename. */
  beforeRename?: (tempPath: string) => Promise<void> | void;
}

/** `.<name>.<host>.<pid>.<uuid>.tmp` beside `path`: whose it is can be told by name if its writer dies before the rename. */
export const tempPathFor = (path: string): string => join(dirname(path), `.${basename(path)}.${HOST_TAG}.${process.pid}.${randomUUID()}.tmp`);

/** `.<name>.<host>.<pid>.<uuid>.tmp`: the host tag holds no dot, so the name is what comes before it. */
const TEMP_NAME = /^\.(.+)\.([A-Za-z0-9-]+)\.(\d+)\.[0-9a-f-]{36}\.tmp$/;

/** The file a temp file (from `tempPathFor`) was for and its writer, or undefined when `entry` is not one. */
export function tempFileOwner(entry: string): { name: string; thisHost: boolean; pid: number } | undefined {
  const match = TEMP_NAME.exec(entry);
  return match ? { name: match[1]!, thisHost: match[2] === HOST_TAG, pid: Number(match[3]) } : undefined;
}

/** One queue per path in this process, so two writes of one file land in the order they were asked for. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Writes `data` to `path` through a temp file in the same directory: all of it, fsync, rename. On
 * any error the temp file is removed and the file at `path` is what it was. A process killed between
 * write and rename leaves its temp file (no exit handler runs on `kill -9`): `removeDeadWriters` clears those.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const target = resolve(path);
  const write = (queues.get(target) ?? Promise.resolve()).then(() => writeNow(target, data, options));
  const settled = write.catch(() => undefined);
  queues.set(target, settled);
  void settled.then(() => {
    if (queues.get(target) === settled) queues.delete(target);
  });
  return write;
}

async function writeNow(target: string, data: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  const mode = options.mode ?? (await stat(target).then((s) => s.mode & 0o7777, () => undefined));
  const temp = tempPathFor(target);
  try {
    const handle = await open(temp, 'wx', mode ?? 0o666);
    try {
      // The umask narrowed the mode `open` set; the file replaced had the one it has.
      if (mode !== undefined && options.mode === undefined) await handle.chmod(mode);
      await handle.writeFile(data);
      await syncHandle(handle);
    } finally {
      await handle.close();
    }
    await options.beforeRename?.(temp);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  // Make the rename itself durable; not possible everywhere (Windows), and not needed for correctness.
  try {
    const dir = await open(dirname(target), 'r');
    try {
      await syncHandle(dir);
    } finally {
      await dir.close();
    }
  } catch {
    /* best effort */
  }
}

/**
 * fsync through a handle. Yarn's Plug'n'Play replaces `fs.promises` with its own, whose FileHandle
 * throws "Method not implemented." from `sync()` (at the call, not as a rejected promise): every
 * token-store save and report write failed in a project installed with Yarn 4, and the directory's
 * handle was never closed. Its `fd` is the real descriptor for a file on disk, which `fsync` syncs.
 */
function syncHandle(handle: FileHandle): Promise<void> {
  let synced: Promise<void>;
  try {
    synced = handle.sync();
  } catch {
    synced = new Promise((resolve, reject) => fsync(handle.fd, (error) => (error ? reject(error) : resolve())));
  }
  return synced;
}

/** Removes the temp files in `dir` that processes of this host left when they died. */
export async function removeDeadWriters(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(entries.map(async (entry) => {
    const owner = tempFileOwner(entry);
    if (owner?.thisHost && owner.pid !== process.pid && !isRunning(owner.pid)) await rm(join(dir, entry), { force: true });
  }));
}
