// Reads a text file a user named on the command line (a description, a scenario, waivers, an
// accepted-drift file) within bounds: a device such as /dev/zero is refused, not read until the
// string limit (660 MB and "Invalid string length" for waivers; a simulator that never started for a
// scenario), and at most `maxBytes` are read. A pipe is read like a file, so `<(git show …)` works;
// like `cat`, it waits for its writer.
import { open, stat } from 'node:fs/promises';
import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** The most a named input may hold: the bounded fetch's cap for URLs too (src/diff/fetch.ts). */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;

/**
 * Why a named input was not read: Node's error code where there is one (`ENOENT`, `EACCES`), else
 * our words (`a directory`, `a character device, not a file`, `larger than 10485760 bytes`).
 */
export class InputFileError extends Error {
  override name = 'InputFileError';
  constructor(readonly path: string, readonly reason: string) {
    super(`cannot read ${path}: ${reason}`);
  }
}

/** Throws unless `s` is a regular file or a pipe. */
function refuse(path: string, s: Stats): void {
  const why = kind(s);
  if (why) throw new InputFileError(path, why);
}

function kind(s: Stats): string | undefined {
  if (s.isFile() || s.isFIFO()) return undefined;
  if (s.isDirectory()) return 'a directory';
  if (s.isCharacterDevice()) return 'a character device, not a file';
  if (s.isBlockDevice()) return 'a block device, not a file';
  if (s.isSocket()) return 'a socket, not a file';
  return 'not a file';
}

const failure = (path: string, error: unknown) =>
  error instanceof InputFileError ? error : new InputFileError(path, (error as NodeJS.ErrnoException).code ?? (error as Error).message);

/** Gathers what is read, a chunk at a time, and fails once more than `maxBytes` came. */
class Collector {
  private readonly chunks: Buffer[] = [];
  private total = 0;
  constructor(private readonly path: string, private readonly maxBytes: number) {}

  /** A buffer for the next read: never more than one byte past the limit. */
  buffer(): Buffer {
    return Buffer.allocUnsafe(Math.min(1 << 16, this.maxBytes + 1 - this.total));
  }

  /** Keeps `bytesRead` bytes of `buffer`; false at the end of the file. */
  add(buffer: Buffer, bytesRead: number): boolean {
    if (bytesRead === 0) return false;
    this.chunks.push(buffer.subarray(0, bytesRead));
    this.total += bytesRead;
    if (this.total > this.maxBytes) throw new InputFileError(this.path, `larger than ${this.maxBytes} bytes`);
    return true;
  }

  text(): string {
    return Buffer.concat(this.chunks, this.total).toString('utf8');
  }
}

/** The file's text (UTF-8), read at most `maxBytes` (+1 to tell that there is more). */
export async function readTextFile(path: string, maxBytes = MAX_INPUT_BYTES): Promise<string> {
  try {
    // By path, before opening: opening a device or a socket is what must not happen. (Swapped for
    // one in between, it is still read no further than the cap.)
    refuse(path, await stat(path));
    const handle = await open(path, 'r');
    try {
      const into = new Collector(path, maxBytes);
      for (let b = into.buffer(); into.add(b, (await handle.read(b, 0, b.length, null)).bytesRead); b = into.buffer());
      return into.text();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw failure(path, error);
  }
}

/** readTextFile for synchronous loaders (the simulator's scenario). */
export function readTextFileSync(path: string, maxBytes = MAX_INPUT_BYTES): string {
  try {
    refuse(path, statSync(path));
    const fd = openSync(path, 'r');
    try {
      const into = new Collector(path, maxBytes);
      for (let b = into.buffer(); into.add(b, readSync(fd, b, 0, b.length, null)); b = into.buffer());
      return into.text();
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw failure(path, error);
  }
}
