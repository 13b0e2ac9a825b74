// Writes a report's files into a directory, each whole or not at all (the client's writeFileAtomic:
// temp file, every byte, fsync, rename; the temp file removed on an error), so a reader never sees
// half a file, even on a full disk. Temp files that a killed run left are removed by the next write
// into the directory. The files are replaced one after another: a reader between two may see one
// new file beside an older one.
import { join } from 'node:path';
import { makeDirectory, removeDeadWriters, writeFileAtomic } from 'pass-contract-client/node';

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
    await removeDeadWriters(dir, files.map(([name]) => name));
    for (const [name, text] of files) await writeFileAtomic(join(dir, name), text);
  } catch (error) {
    throw new ReportDirError(reportDirMessage(dir, error), { cause: error });
  }
  return files.map(([name]) => join(dir, name));
}
