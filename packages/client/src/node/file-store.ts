// A TokenStore in a JSON file (Node only), safe to share between processes: atomic writes (unique
// temp file, every byte, fsync, rename; mode 0600; atomic-write.ts), a lock that processes take turns on (file-lock.ts), and
// removal of the temp files a killed writer left behind — they hold the client secret.
//
// Written with fs primitives rather than write-file-atomic / proper-lockfile (README, "The token
// store"): those remove their leftovers only on exits they can catch, so a kill -9 leaves a temp
// file with the secret in it, and proper-lockfile recognises a dead holder only once its lock's
// mtime is `stale` old (10 s by default), blocking every process sharing the store until then.
import type { Stats } from 'node:fs';
import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Mutex, type LockOptions, type TokenState, type TokenStore } from '../stores.ts';
import { PassError } from '../errors.ts';
import { milliseconds } from '../bounds.ts';
import { MAX_TIMER_MS } from '../clock.ts';
import { removeDeadWriters, tempFileOwner, writeFileAtomic } from './atomic-write.ts';
import { acquireFileLock, FileLockHeldError, lockLeftover, withFileLock, type FileLockOptions } from './file-lock.ts';
import { makeDirectory } from './make-dir.ts';

// What the tools share with the store: `mkdir -p` that always ends, whole-or-nothing writes, and
// the lock processes take turns on (a recording is written by one process at a time).
export { acquireFileLock, FileLockHeldError, makeDirectory, removeDeadWriters, writeFileAtomic };
export type { AtomicWriteOptions } from './atomic-write.ts';
export type { HeldFileLock } from './file-lock.ts';

export interface FileTokenStoreOptions extends FileLockOptions {
  /** Test seam: runs after the temp file is written and before the rename. */
  beforeRename?: (tempPath: string) => Promise<void> | void;
}

/** One in-process queue per file, so instances in one process do not wait on each other's file lock. */
const processQueues = new Map<string, Mutex>();

export class FileTokenStore implements TokenStore {
  readonly path: string;
  private readonly dir: string;
  private readonly base: string;
  private readonly lockPath: string;

  constructor(path: string, private readonly options: FileTokenStoreOptions = {}) {
    this.path = resolve(path);
    this.dir = dirname(this.path);
    this.base = basename(this.path);
    this.lockPath = `${this.path}.lock`;
    if (options.waitMs !== undefined) milliseconds('FileTokenStore waitMs', options.waitMs);
    // Holders touch the owner file every staleMs / 3 (100 ms at the least): under 1 s, a live holder
    // looks stale between touches and is taken over; over Node's longest timer, the touch fires every 1 ms.
    const staleMs = options.staleMs;
    if (staleMs !== undefined && !(staleMs >= 1000 && staleMs <= MAX_TIMER_MS)) {
      throw new RangeError(`FileTokenStore staleMs must be a number of milliseconds from 1000 to ${MAX_TIMER_MS}, got ${staleMs}`);
    }
  }

  async load(): Promise<TokenState | undefined> {
    await this.assertFilePath();
    await this.removeLeftovers(false);
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let state: unknown;
    try {
      // A leading byte order mark (Notepad, Windows PowerShell 5's UTF8) is ignored, as RFC 8259 §8.1 allows.
      state = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      // Not the parser's message: it quotes the file, which holds the secret.
      throw new PassError(`Token store ${this.path} is not valid JSON; delete it to register again.`, { kind: 'store' });
    }
    if (!state || typeof state !== 'object' || Array.isArray(state)) throw new PassError(`Token store ${this.path} does not hold a JSON object; delete it to register again.`, { kind: 'store' });
    return state as TokenState;
  }

  async save(state: TokenState): Promise<void> {
    await this.assertFilePath();
    await makeDirectory(this.dir, 0o700);
    await writeFileAtomic(this.path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, ...(this.options.beforeRename ? { beforeRename: this.options.beforeRename } : {}) });
  }

  /**
   * Refuses a path that is there as something other than a file or a link: saving renames a file
   * over it, and as root that replaced /dev/null (a store path meant as "keep nothing") with a file
   * holding the client secret, for every process on the machine.
   */
  private async assertFilePath(): Promise<void> {
    let info: Stats;
    try {
      info = await lstat(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (info.isFile() || info.isSymbolicLink()) return;
    const what = info.isDirectory() ? 'a directory' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isFIFO() ? 'a named pipe' : 'not a file';
    throw new PassError(`Token store ${this.path} is ${what}${what === 'not a file' ? '' : ', not a file'}; give the store the path of a file (MemoryTokenStore keeps nothing on disk).`, { kind: 'store' });
  }

  withLock<T>(fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
    let queue = processQueues.get(this.path);
    if (!queue) processQueues.set(this.path, (queue = new Mutex()));
    const run = async () => {
      await this.assertFilePath();
      await makeDirectory(this.dir, 0o700);
      return withFileLock(
        this.lockPath,
        async () => {
          await this.removeLeftovers(true);
          return fn();
        },
        { ...this.options, ...(options.signal ? { signal: options.signal } : {}) },
      );
    };
    return queue.run(run, options.signal);
  }

  /**
   * Removes temp files of writers that are gone. Holding the lock, every temp file is a leftover
   * (only holders write); without it, only those of dead processes on this host are.
   */
  private async removeLeftovers(holdingLock: boolean): Promise<void> {
    if (!holdingLock) return removeDeadWriters(this.dir);
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch {
      return;
    }
    const lockName = basename(this.lockPath);
    await Promise.all(
      entries.map(async (entry) => {
        if (tempFileOwner(entry)?.name === this.base) await rm(join(this.dir, entry), { force: true });
        else if (lockLeftover(lockName, entry)) await rm(join(this.dir, entry), { recursive: true, force: true });
      }),
    );
  }
}
