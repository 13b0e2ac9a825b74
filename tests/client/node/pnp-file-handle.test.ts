// The atomic writes (token store, every report file) under Yarn 4's Plug'n'Play, which replaces
// `fs.promises` with its own: `open()` there hands out a FileHandle of Yarn's (@yarnpkg/fslib) that
// works on the real descriptor for everything we use but throws "Method not implemented." from
// `sync()` and `datasync()`, at the call. Here `open()` answers with a handle built the same way
// (Node's fd-based calls, and those two methods throwing), counting what is opened and closed.
// tests/package/consumer.test.ts installs the client with Yarn itself and writes through it.
import * as fs from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';

const handles = { opened: 0, closed: 0, syncCalls: 0 };

/** As @yarnpkg/fslib's FileHandle: fd-based calls on the real descriptor; sync() and datasync() not implemented. */
class YarnFileHandle {
  constructor(readonly fd: number) {
    handles.opened += 1;
  }
  writeFile(data: string | Uint8Array): Promise<void> {
    return promisify(fs.writeFile)(this.fd, data);
  }
  chmod(mode: number): Promise<void> {
    return promisify(fs.fchmod)(this.fd, mode);
  }
  stat(): Promise<fs.Stats> {
    return promisify(fs.fstat)(this.fd);
  }
  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number; buffer: Uint8Array }> {
    return new Promise((resolve, reject) => fs.read(this.fd, buffer, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve({ bytesRead, buffer }))));
  }
  sync(): Promise<void> {
    handles.syncCalls += 1;
    throw new Error('Method not implemented.');
  }
  datasync(): Promise<void> {
    throw new Error('Method not implemented.');
  }
  async close(): Promise<void> {
    await promisify(fs.close)(this.fd);
    handles.closed += 1;
  }
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = async (path: fs.PathLike, flags: fs.OpenMode = 'r', mode?: fs.Mode) => new YarnFileHandle(await promisify(fs.open)(path, flags, mode));
  return { ...real, default: { ...real, open }, open };
});

const { writeFileAtomic } = await import('../../../packages/client/src/node/atomic-write.ts');
const { FileTokenStore } = await import('../../../packages/client/src/node/file-store.ts');

describe('atomic writes on a FileHandle without sync() (Yarn Plug\'n\'Play)', () => {
  it('write the file whole and close every handle they open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-pnp-'));
    const path = join(dir, 'report.json');
    // Before: every write failed with "Method not implemented." and left nothing at the path.
    for (let i = 0; i < 50; i++) await writeFileAtomic(path, `{"write":${i}}\n`);
    expect(await readFile(path, 'utf8')).toBe('{"write":49}\n');
    expect(await readdir(dir)).toEqual(['report.json']);
    expect(handles.syncCalls).toBeGreaterThanOrEqual(50);
    // Each write opens the temp file and the directory (to make the rename durable) and closes both.
    expect(handles.opened).toBeGreaterThanOrEqual(100);
    expect(handles.closed).toBe(handles.opened);
  });

  it('let the token store save and load again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-pnp-'));
    const store = new FileTokenStore(join(dir, 'tokens.json'));
    const state = { clientCredentials: { clientId: 'client-id', clientSecret: 'pnp-client-secret' }, accessToken: { value: 'pnp-access-token', expiresAt: 2_000_000_000_000 } };
    await store.save(state);
    expect(await new FileTokenStore(join(dir, 'tokens.json')).load()).toEqual(state);
    expect(handles.closed).toBe(handles.opened);
  });
});
