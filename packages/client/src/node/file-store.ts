// A TokenStore in a JSON file (Node only): written to a temp file, fsynced, then renamed, mode 0600.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import type { TokenState, TokenStore } from '../stores.ts';

export interface FileTokenStoreHooks {
  /** Test seam: runs after the temp file is written and before the rename. */
  beforeRename?: (tempPath: string) => Promise<void> | void;
}

export class FileTokenStore implements TokenStore {
  constructor(
    readonly path: string,
    private readonly hooks: FileTokenStoreHooks = {},
  ) {}

  async load(): Promise<TokenState | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as TokenState;
    } catch (error) {
      throw new Error(`Token store ${this.path} is not valid JSON (${(error as Error).message}); delete it to register again.`);
    }
  }

  async save(state: TokenState): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.${Date.now()}.tmp`);
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await this.hooks.beforeRename?.(temp);
      await rename(temp, this.path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
