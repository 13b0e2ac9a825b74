// Writes a report's files into a directory, each atomically (write-file-atomic: temp file + rename,
// the temp file removed if the process is stopped), so a reader never sees half a file.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/** Creates `dir` if needed and writes each `[name, text]` into it, one after another; returns the paths in order. */
export async function writeReportFiles(dir: string, files: readonly (readonly [string, string])[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of files) await writeFileAtomic(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
