// Writes a report's files into a directory, each atomically (write-file-atomic: temp file, fsync,
// rename; the temp file removed on an error, an exit or a catchable signal, not after kill -9), so
// a reader never sees half a file. The files are replaced one after another: a reader between two
// may see one new file beside an older one.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/** Creates `dir` if needed and writes each `[name, text]` into it, one after another; returns the paths in order. */
export async function writeReportFiles(dir: string, files: readonly (readonly [string, string])[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of files) await writeFileAtomic(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
