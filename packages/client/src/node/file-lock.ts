// A lock shared by processes through the file system: a directory renamed into place with its
// owner (host, pid, nonce) already inside, so a lock never exists without an owner.
//
// A lock is stale when its owner is a process of this host that no longer runs (kill -9: taken
// over at once), or when its owner file has not been touched for `staleMs` (another host, a
// recycled pid; holders touch it every staleMs / 3). A lock judged stale is read again before it is
// broken (its holder may have released it and exited in between, and another process taken it).
// Breaking renames it aside first, so two processes cannot both delete it; the remaining race (two
// breakers of the same stale lock and a third process acquiring in between) can let two holders
// in at once, which costs a second token request, never a corrupt store.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../clock.ts';
import { PassError } from '../errors.ts';

export interface FileLockOptions {
  /** An owner file untouched this long means its holder is gone. Default 30 s. */
  staleMs?: number;
  /** Give up waiting for the lock after this long. Default 60 s. */
  waitMs?: number;
}

interface Owner { host: string; pid: number; nonce: string; since: number }

const OWNER = 'owner.json';
const RETRY = new Set(['EEXIST', 'ENOTEMPTY', 'EPERM', 'ENOENT']);
export const thisHost = hostname();

/** Process `pid` runs on this host (EPERM: it runs, as someone else). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

async function readOwner(lockPath: string): Promise<{ owner?: Owner; touched: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(join(lockPath, OWNER), 'utf8'), stat(join(lockPath, OWNER))]);
    return { owner: JSON.parse(text) as Owner, touched: info.mtimeMs };
  } catch (error) {
    if (code(error) !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
    // No owner file: either the lock is gone, or someone tampered with it (judge by the directory's age).
    try {
      return { touched: (await stat(lockPath)).mtimeMs };
    } catch {
      return undefined;
    }
  }
}

/** The lock was held by someone else for as long as the caller would wait. */
export class FileLockHeldError extends PassError {
  /** Who holds it, for messages: `process 4242 on ci-7`, or `an unknown holder`. */
  readonly who: string;

  constructor(message: (who: string) => string, readonly lockPath: string, readonly holder: { pid: number; host: string } | undefined) {
    const who = holder ? `process ${holder.pid} on ${holder.host}` : 'an unknown holder';
    super(message(who), { kind: 'store' });
    this.name = 'FileLockHeldError';
    this.who = who;
  }
}

/** A lock taken: touched while held, so others see its holder is alive. */
export interface HeldFileLock {
  /** Gives the lock up (once it was broken as stale, it is someone else's, and is left to them). */
  release(): Promise<void>;
}

/** Holds `lockPath` while `fn` runs; waits (cancellable by `signal`) while someone else holds it. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, o: FileLockOptions & { signal?: AbortSignal } = {}): Promise<T> {
  const lock = await acquireFileLock(lockPath, o);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** Takes `lockPath`, waiting (cancellable by `signal`) while someone else holds it, for as long as the caller keeps it. */
export async function acquireFileLock(lockPath: string, o: FileLockOptions & { signal?: AbortSignal } = {}): Promise<HeldFileLock> {
  const staleMs = o.staleMs ?? 30_000;
  const waitMs = o.waitMs ?? 60_000;
  const me: Owner = { host: thisHost, pid: process.pid, nonce: randomUUID(), since: Date.now() };
  // On the monotonic clock: the wall clock set back an hour (NTP) made a 60 s wait last an hour.
  const giveUpAt = performance.now() + waitMs;

  for (let round = 0; ; round++) {
    o.signal?.throwIfAborted();
    if (await tryAcquire(lockPath, me)) break;
    const seen = await readOwner(lockPath);
    if (!seen) continue; // released meanwhile: try again at once
    const { owner, touched } = seen;
    const stale = (owner && owner.host === thisHost && owner.pid !== process.pid && !isRunning(owner.pid)) || Date.now() - touched > staleMs;
    if (stale) {
      // Read again before breaking: a holder that released and exited after the first read is
      // "not running" now, but its lock is gone and the one there may be another process's, live.
      // (A holder that is dead can no longer release, so a lock still its own now stays stale.)
      const again = await readOwner(lockPath);
      if (again && again.owner?.nonce === owner?.nonce && again.touched === touched) await breakLock(lockPath, owner?.nonce, me.nonce);
      continue;
    }
    if (performance.now() > giveUpAt) {
      const holder = owner ? { pid: owner.pid, host: owner.host } : undefined;
      throw new FileLockHeldError((who) => `Token store lock ${lockPath} is held by ${who}; gave up after ${waitMs < 1000 ? `${waitMs} ms` : `${Math.round(waitMs / 1000)} s`}`, lockPath, holder);
    }
    // Polling with a jittered, growing interval: fs.watch is not reliable on network file systems.
    await systemClock.sleep(Math.min(200, 10 * 2 ** Math.min(round, 5)) * (0.5 + Math.random() / 2), o.signal);
  }

  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(join(lockPath, OWNER), now, now).catch(() => undefined);
  }, Math.max(100, staleMs / 3));
  heartbeat.unref?.();
  let released: Promise<void> | undefined;
  return {
    release: () => {
      clearInterval(heartbeat);
      return (released ??= release(lockPath, me.nonce));
    },
  };
}

/** Creates the lock with its owner inside, atomically: rename fails while a lock (never empty) exists. */
async function tryAcquire(lockPath: string, me: Owner): Promise<boolean> {
  const staging = `${lockPath}.${me.pid}.${me.nonce}.tmp`;
  await mkdir(staging, { mode: 0o700 }); // ENOENT here: the store's directory is missing — a real error
  try {
    await writeFile(join(staging, OWNER), JSON.stringify(me), { mode: 0o600 });
    await rename(staging, lockPath);
    return true;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // EEXIST / ENOTEMPTY (EPERM on Windows): the lock is held. ENOENT: a lock holder's clean-up
    // removed our staging directory. Either way, look again.
    if (RETRY.has(code(error) ?? '')) return false;
    throw error;
  }
}

/** Renames the stale lock aside and removes it; puts it back if it turned out to be a live one. */
async function breakLock(lockPath: string, staleNonce: string | undefined, myNonce: string): Promise<void> {
  const aside = `${lockPath}.${myNonce}.broken`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (code(error) === 'ENOENT') return; // someone else broke or released it
    throw error;
  }
  const taken = await readOwner(aside);
  if (taken?.owner?.nonce !== staleNonce) {
    // Between our look and our rename, the stale lock was replaced by a live one: give it back.
    await rename(aside, lockPath).catch(() => undefined);
  }
  await rm(aside, { recursive: true, force: true });
}

async function release(lockPath: string, nonce: string): Promise<void> {
  const seen = await readOwner(lockPath);
  if (seen?.owner?.nonce !== nonce) return; // broken as stale meanwhile: it is someone else's now
  // Rename first: removing in place would leave an empty directory another process could rename onto.
  const aside = `${lockPath}.${nonce}.released`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (code(error) === 'ENOENT') return;
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
}

/** Leftovers of killed lock holders and acquirers next to `lockPath` (safe to remove while holding it). */
export const lockLeftover = (lockName: string, entry: string) =>
  entry.startsWith(`${lockName}.`) && (entry.endsWith('.tmp') || entry.endsWith('.broken') || entry.endsWith('.released'));
