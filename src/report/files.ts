// Writes a report's files into a directory, each atomically (write-file-atomic: temp file, fsync,
// rename; the temp file removed on an error, an exit or a catchable signal, not after kill -9), so
// a reader never sees half a file. The files are replaced one after another: a reader between two
// may see one new file beside an older one.
import { join } from 'node:path';
import { makeDirectory } from 'pass-contract-client/node';
import writeFileAtomic from 'write-file-atomic';

/** A report directory that cannot be created or written (the command line answers it as a usage error). */
export class ReportDirError extends Error {
  override name = 'ReportDirError';
}

/** Why `dir` cannot take a report, from the error of creating or writing it (`--report` names the option every command shares). */
export function reportDirMessage(dir: string, error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return `--report ${dir} cannot hold the report: ${e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'a file is in the way' : (e.code ?? e.message)}`;
}

/** Creates `dir` if needed and writes each `[name, text]` into it, one after another; returns the paths in order. */
export async function writeReportFiles(dir: string, files: readonly (readonly [string, string])[]): Promise<string[]> {
  try {
    await makeDirectory(dir);
    for (const [name, text] of files) await writeFileAtomic(join(dir, name), text);
  } catch (error) {
    throw new ReportDirError(reportDirMessage(dir, error), { cause: error });
  }
  return files.map(([name]) => join(dir, name));
}
