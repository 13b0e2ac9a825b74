// Token stores in one process: copies, atomic files, concurrent saves, the file lock and its
// recovery from dead or stale holders.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FileTokenStore } from '../../packages/client/src/node/file-store.ts';
import { MemoryTokenStore } from '../../packages/client/src/stores.ts';
import { rejection } from './support/pass.ts';

const state = (token: string) => ({ clientCredentials: { clientId: 'id', clientSecret: 'CANARY-secret' }, accessToken: { value: token, expiresAt: 1 } });
const scratch = () => mkdtemp(join(tmpdir(), 'pass-store-'));

/** A pid that no process has any more (a child that has exited). */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

async function plantLock(lockPath: string, owner: object, ageMs = 0) {
  await mkdir(lockPath);
  await writeFile(join(lockPath, 'owner.json'), JSON.stringify(owner));
  if (ageMs) {
    const then = new Date(Date.now() - ageMs);
    await utimes(join(lockPath, 'owner.json'), then, then);
  }
}

describe('MemoryTokenStore', () => {
  it('returns copies, not the stored object', async () => {
    const store = new MemoryTokenStore();
    const s = state('t1');
    await store.save(s);
    s.accessToken.value = 'mutated';
    expect((await store.load())?.accessToken?.value).toBe('t1');
  });

  it('runs locked sections one at a time, in order', async () => {
    const store = new MemoryTokenStore();
    const order: string[] = [];
    const section = (name: string, ms: number) => store.withLock(async () => {
      order.push(`${name} in`);
      await new Promise((r) => setTimeout(r, ms));
      order.push(`${name} out`);
    });
    await Promise.all([section('a', 20), section('b', 0), section('c', 0)]);
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });
});

describe('FileTokenStore', () => {
  it('writes the state with mode 0600 and reads it back', async () => {
    const store = new FileTokenStore(join(await scratch(), 'nested', 'tokens.json'));
    expect(await store.load()).toBeUndefined();
    await store.save(state('t1'));
    expect((await store.load())?.accessToken?.value).toBe('t1');
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
  });

  it('survives 50 concurrent saves in one process: no error, a whole file, no temp file left', async () => {
    const dir = await scratch();
    const store = new FileTokenStore(join(dir, 'tokens.json'));
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.save(state(`t${i}`))));
    expect((await store.load())?.accessToken?.value).toMatch(/^t\d+$/);
    expect(await readdir(dir)).toEqual(['tokens.json']);
  });

  it('keeps the previous token when the write fails between write and rename', async () => {
    const dir = await scratch();
    const path = join(dir, 'tokens.json');
    await new FileTokenStore(path).save(state('previous'));
    let tempSeen = '';
    const crashing = new FileTokenStore(path, {
      beforeRename: async (temp) => {
        tempSeen = await readFile(temp, 'utf8');
        throw new Error('simulated crash');
      },
    });
    await expect(crashing.save(state('next'))).rejects.toThrow('simulated crash');
    expect(JSON.parse(tempSeen).accessToken.value).toBe('next');
    expect((await new FileTokenStore(path).load())?.accessToken?.value).toBe('previous');
    expect(await readdir(dir)).toEqual(['tokens.json']);
  });

  it('reads a store that starts with a byte order mark (written by Windows PowerShell 5 `Set-Content -Encoding UTF8`, or Notepad)', async () => {
    // RFC 8259 §8.1: a parser may ignore it. Before: "not valid JSON; delete it to register again",
    // which threw away a provisioned registration.
    const path = join(await scratch(), 'tokens.json');
    await writeFile(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(state('provisioned')))]));
    expect((await new FileTokenStore(path).load())?.accessToken?.value).toBe('provisioned');
  });

  it('says which file is corrupt without quoting it', async () => {
    const path = join(await scratch(), 'tokens.json');
    await writeFile(path, '{"clientSecret": "CANARY-secret"');
    const error = await rejection(new FileTokenStore(path).load());
    expect(error.message).toBe(`Token store ${path} is not valid JSON; delete it to register again.`);
  });
});

describe('the file lock', () => {
  it('lets one holder in at a time, across instances', async () => {
    const path = join(await scratch(), 'tokens.json');
    const [a, b] = [new FileTokenStore(path), new FileTokenStore(path)];
    let inside = 0;
    let most = 0;
    const section = (store: FileTokenStore) => store.withLock(async () => {
      most = Math.max(most, ++inside);
      await new Promise((r) => setTimeout(r, 5));
      inside--;
    });
    await Promise.all(Array.from({ length: 10 }, (_, i) => section(i % 2 ? a : b)));
    expect(most).toBe(1);
  });

  it('takes over at once a lock whose holder on this host is dead (kill -9)', async () => {
    const dir = await scratch();
    const path = join(dir, 'tokens.json');
    await plantLock(`${path}.lock`, { host: hostname(), pid: deadPid(), nonce: 'dead', since: 0 });
    // waitMs is longer than this test's own timeout: only a takeover can let it pass.
    expect(await new FileTokenStore(path, { waitMs: 60_000 }).withLock(async () => 'in')).toBe('in');
    expect(await readdir(dir)).toEqual([]);
  }, 3000);

  it('takes over a lock of another host once its owner file is staleMs old', async () => {
    const path = join(await scratch(), 'tokens.json');
    await plantLock(`${path}.lock`, { host: 'elsewhere', pid: process.pid, nonce: 'far', since: 0 }, 2000);
    expect(await new FileTokenStore(path, { staleMs: 1000, waitMs: 10_000 }).withLock(async () => 'in')).toBe('in');
  });

  it('waits for a live holder, then says who holds it', async () => {
    const path = join(await scratch(), 'tokens.json');
    await plantLock(`${path}.lock`, { host: hostname(), pid: process.ppid, nonce: 'alive', since: 0 });
    const error = await rejection(new FileTokenStore(path, { waitMs: 300 }).withLock(async () => 'in'));
    expect(error.message).toBe(`Token store lock ${path}.lock is held by process ${process.ppid} on ${hostname()}; gave up after 300 ms`);
  });

  it('gives up after waitMs when the wall clock steps back an hour while it waits (it waited the hour too)', async () => {
    const path = join(await scratch(), 'tokens.json');
    await plantLock(`${path}.lock`, { host: hostname(), pid: process.ppid, nonce: 'alive', since: 0 });
    const waiting = rejection(new FileTokenStore(path, { waitMs: 300 }).withLock(async () => 'in'));
    await new Promise((r) => setTimeout(r, 100)); // it is waiting
    const wall = Date.now.bind(Date);
    const step = vi.spyOn(Date, 'now').mockImplementation(() => wall() - 3_600_000);
    try {
      expect((await waiting).message).toMatch(/gave up after 300 ms$/);
    } finally {
      step.mockRestore();
    }
  }, 5000);

  // A waiter read the owner of a lock whose holder then released it and exited, and another process
  // took the lock: the waiter, finding the first owner's pid gone, moved the live lock aside to break
  // it. It put it back — but a fourth process acquiring in that moment left two holders in at once.
  it('never moves a live lock: a holder gone since its owner file was read is checked against the lock again', async () => {
    const path = join(await scratch(), 'tokens.json');
    const lock = `${path}.lock`;
    const gone = deadPid();
    await plantLock(lock, { host: hostname(), pid: gone, nonce: 'released', since: 0 });
    let ctime = 0;
    const kill = vi.spyOn(process, 'kill').mockImplementation((pid) => {
      if (pid === gone && ctime === 0) {
        // The holder released (its lock renamed away), another process acquired, and the holder exited.
        renameSync(lock, `${lock}.gone`);
        rmSync(`${lock}.gone`, { recursive: true });
        mkdirSync(`${lock}.staging`);
        writeFileSync(join(`${lock}.staging`, 'owner.json'), JSON.stringify({ host: hostname(), pid: process.ppid, nonce: 'live', since: Date.now() }));
        renameSync(`${lock}.staging`, lock);
        ctime = statSync(lock).ctimeMs;
      }
      if (pid === gone) throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
      return true;
    });
    try {
      const error = await rejection(new FileTokenStore(path, { waitMs: 300 }).withLock(async () => 'in'));
      expect(error.message).toBe(`Token store lock ${lock} is held by process ${process.ppid} on ${hostname()}; gave up after 300 ms`);
    } finally {
      kill.mockRestore();
    }
    expect(ctime).toBeGreaterThan(0);
    // Renaming a directory (aside, and back) changes its ctime.
    expect(statSync(lock).ctimeMs).toBe(ctime);
  });

  it('stops waiting when the signal aborts', async () => {
    const path = join(await scratch(), 'tokens.json');
    await plantLock(`${path}.lock`, { host: hostname(), pid: process.ppid, nonce: 'alive', since: 0 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('caller gave up')), 100);
    const error = await rejection(new FileTokenStore(path).withLock(async () => 'in', { signal: controller.signal }));
    expect(error.message).toBe('caller gave up');
  });
});

describe('the file lock’s bounds', () => {
  it('refuses a waitMs that would never run out (NaN waited on a live holder for ever)', async () => {
    const path = join(await scratch(), 'tokens.json');
    for (const waitMs of [Number.NaN, Infinity, -1]) {
      expect(() => new FileTokenStore(path, { waitMs })).toThrow(`FileTokenStore waitMs must be a finite number of milliseconds from 0 up, got ${waitMs}`);
    }
  });

  it('refuses a staleMs its holders cannot keep fresh, or whose heartbeat timer Node cannot keep', async () => {
    const path = join(await scratch(), 'tokens.json');
    // 50 ms: a live holder (touching every 100 ms at the least) looks stale between touches, and is
    // taken over. 1e10 ms: its heartbeat (staleMs / 3) overflows Node's timer and fires every 1 ms.
    for (const staleMs of [50, 999, Number.NaN, 1e10, Infinity]) {
      expect(() => new FileTokenStore(path, { staleMs })).toThrow(`FileTokenStore staleMs must be a number of milliseconds from 1000 to 2147483647, got ${staleMs}`);
    }
    expect(new FileTokenStore(path, { staleMs: 1000, waitMs: 0 }).path).toBe(path);
  });

  it('with waitMs 0, tries once and says who holds the lock', async () => {
    const path = join(await scratch(), 'tokens.json');
    await plantLock(`${path}.lock`, { host: hostname(), pid: process.ppid, nonce: 'alive', since: 0 });
    const error = await rejection(new FileTokenStore(path, { waitMs: 0 }).withLock(async () => 'in'));
    expect(error.message).toBe(`Token store lock ${path}.lock is held by process ${process.ppid} on ${hostname()}; gave up after 0 ms`);
  });
});
