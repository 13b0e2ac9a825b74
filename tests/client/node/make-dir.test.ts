// makeDirectory, the `mkdir -p` the token store and every report writer use: it creates what is
// missing, takes races and existing directories, and answers with an error where Node's own
// recursive mkdir never answers (a path under /proc, shown here in a child process with a deadline).
import { execFile, execFileSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FileTokenStore, makeDirectory } from '../../../packages/client/src/node/file-store.ts';

// Under the test run's own TMPDIR (tests/support/tmp-root.ts), removed when the run ends.
const tmp = () => mkdtemp(join(tmpdir(), 'pass-make-dir-'));

describe('FileTokenStore on a path that is not a file', () => {
  // A device such as /dev/null is the case that matters (as root, saving renamed a file holding the
  // client secret over it); a named pipe and a directory stand in for it here, since a test must
  // never risk the machine's /dev/null.
  it('refuses a named pipe or a directory for loading, saving and locking, and leaves it as it was', async () => {
    const dir = await tmp();
    const fifo = join(dir, 'tokens.json');
    execFileSync('mkfifo', [fifo]);
    const folder = join(dir, 'a-folder');
    await mkdir(folder);
    for (const [path, what] of [[fifo, 'a named pipe'], [folder, 'a directory']] as const) {
      const store = new FileTokenStore(path);
      const refusal = { name: 'PassError', kind: 'store', message: `Token store ${path} is ${what}, not a file; give the store the path of a file (MemoryTokenStore keeps nothing on disk).` };
      await expect(store.load()).rejects.toMatchObject(refusal);
      await expect(store.save({ clientCredentials: { clientId: 'c', clientSecret: 'never-written-secret' } })).rejects.toMatchObject(refusal);
      await expect(store.withLock(async () => 'locked')).rejects.toMatchObject(refusal);
    }
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect((await lstat(folder)).isDirectory()).toBe(true);
    // Nothing was written beside them: no temp file, no lock.
    expect((await readdir(dir)).sort()).toEqual(['a-folder', 'tokens.json']);
  });

  // The device itself, as a node of our own: the null device's numbers (1, 3) under a scratch name,
  // made with mknod. Only root can make one, and only root could rename over /dev/null; without
  // root, both are refused by the system.
  it('refuses a device node (as root; without root, the system refuses to make one)', async () => {
    const node = join(await tmp(), 'null-device');
    let made = true;
    try {
      execFileSync('mknod', ['-m', '666', node, 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      made = false;
    }
    expect(made).toBe(process.getuid?.() === 0);
    if (!made) return;
    const store = new FileTokenStore(node);
    const refusal = { name: 'PassError', kind: 'store', message: `Token store ${node} is a device, not a file; give the store the path of a file (MemoryTokenStore keeps nothing on disk).` };
    await expect(store.save({ clientCredentials: { clientId: 'c', clientSecret: 'never-written-secret' } })).rejects.toMatchObject(refusal);
    await expect(store.load()).rejects.toMatchObject(refusal);
    expect((await lstat(node)).isCharacterDevice()).toBe(true);
  });
});

describe('makeDirectory', () => {
  it('creates every missing parent with the mode given, and takes a directory that exists', async () => {
    const root = await tmp();
    const deep = join(root, 'a', 'b', 'c');
    await makeDirectory(deep, 0o700);
    for (const d of [join(root, 'a'), join(root, 'a', 'b'), deep]) {
      const s = await stat(d);
      expect(s.isDirectory()).toBe(true);
      expect(s.mode & 0o077).toBe(0); // nothing for group or others
    }
    await expect(makeDirectory(deep)).resolves.toBeUndefined();
    await expect(makeDirectory(root)).resolves.toBeUndefined();
  });

  it('takes twenty calls racing for the same new path', async () => {
    const deep = join(await tmp(), 'x', 'y', 'z');
    await Promise.all(Array.from({ length: 20 }, () => makeDirectory(deep)));
    expect((await stat(deep)).isDirectory()).toBe(true);
  });

  it('says ENOTDIR when a file is in the way, at the path or above it', async () => {
    const file = join(await tmp(), 'a-file');
    await writeFile(file, 'x');
    await expect(makeDirectory(file)).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(makeDirectory(join(file, 'sub', 'deeper'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it('answers under /proc, where a mkdir of a new entry says ENOENT (Linux) and Node\'s recursive mkdir spins forever; so does the token store', async () => {
    await expect(makeDirectory('/proc/pass-contract-make-dir/sub')).rejects.toMatchObject({ code: 'ENOENT' });
    // The token store on such a path: an error, for saving and for its lock.
    const store = new FileTokenStore('/proc/pass-contract-store/tokens.json');
    await expect(store.save({})).rejects.toMatchObject({ code: expect.stringMatching(/^(ENOENT|EACCES|EPERM|EROFS)$/) });
    await expect(store.withLock(async () => 'locked')).rejects.toMatchObject({ code: expect.stringMatching(/^(ENOENT|EACCES|EPERM|EROFS)$/) });
    // The adversary, in a child so that its spinning thread dies with it: still no answer after 2 s.
    const script = "require('node:fs').promises.mkdir('/proc/pass-contract-make-dir/sub', { recursive: true }).then(() => console.log('made'), (e) => console.log(e.code))";
    const child = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 2000, killSignal: 'SIGKILL' }).then(() => 'answered', (e: { killed?: boolean }) => (e.killed ? 'killed at the deadline' : 'failed'));
    expect(child).toBe('killed at the deadline');
  });
});
