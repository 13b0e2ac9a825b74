import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileTokenStore } from '../../packages/client/src/node/file-store.ts';
import { MemoryTokenStore } from '../../packages/client/src/stores.ts';

const state = (token: string) => ({ clientCredentials: { clientId: 'id', clientSecret: 'secret' }, accessToken: { value: token, expiresAt: 1 } });

describe('MemoryTokenStore', () => {
  it('returns copies, not the stored object', async () => {
    const store = new MemoryTokenStore();
    const s = state('t1');
    await store.save(s);
    s.accessToken.value = 'mutated';
    expect((await store.load())?.accessToken?.value).toBe('t1');
  });
});

describe('FileTokenStore', () => {
  it('writes the state with mode 0600 and reads it back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-store-'));
    const store = new FileTokenStore(join(dir, 'nested', 'tokens.json'));
    expect(await store.load()).toBeUndefined();
    await store.save(state('t1'));
    expect((await store.load())?.accessToken?.value).toBe('t1');
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
  });

  it('keeps the previous token when the process dies between write and rename', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-store-'));
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

  it('says which file is corrupt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-store-'));
    const path = join(dir, 'tokens.json');
    await (await import('node:fs/promises')).writeFile(path, '{oops');
    await expect(new FileTokenStore(path).load()).rejects.toThrow(`Token store ${path} is not valid JSON`);
  });
});
