// Writes a report's files into a directory, each whole or not at all (the client's writeFileAtomic:
// temp file, every byte, fsync, rename; the temp file removed on an error), so a reader never sees
// half a file, even on a full disk. Temp files that a killed run left are removed by the next run
// or one-shot report that takes the directory. The files are replaced one after another: a reader between two may see one
// new file beside an older one.
//
// A report directory has one writer at a time: the writer holds `.pass-contract.lock` in it (the
// token store's lock), a run (`check`, `proxy`) for as long as it runs, a one-shot report (`diff`,
// `upstream`, `audit`) while it writes. Two runs started on the same `--report` otherwise rewrote
// it in turns, and left junit.xml of one beside report.json of the other.
import { join } from 'node:path';
import { acquireFileLock, FileLockHeldError, makeDirectory, removeDeadWriters, writeFileAtomic, type HeldFileLock } from 'pass-contract-client/node';
import { fitStepSummary } from './markdown.ts';

/** A report directory that cannot be created or written (the command line answers it as a usage error). */
export class ReportDirError extends Error {
  override name = 'ReportDirError';
}

/** Why `dir` cannot take a report, from the error of creating, locking or writing it (`--report` names the option every command shares). */
export function reportDirMessage(dir: string, error: unknown): string {
  if (error instanceof FileLockHeldError) return `--report ${dir}: ${error.who} writes its reports there (it holds ${error.lockPath}); give this run another directory`;
  const e = error as NodeJS.ErrnoException;
  return `--report ${dir} cannot hold the report: ${e.code === 'EEXIST' || e.code === 'ENOTDIR' ? 'a file is in the way' : (e.code ?? e.message)}`;
}

/** How long a one-shot report waits for the directory's writer: enough for another one-shot write, not for a run. */
const ONE_SHOT_WAIT_MS = 5_000;

/**
 * Creates `dir` if needed and takes it for this process: a ReportDirError when it cannot be written,
 * or when another live process writes its reports there (at once, or after `waitMs`). Holding it,
 * removes the temp files a killed writer left there (once per claim, not per write).
 */
export async function claimReportDir(dir: string, waitMs = 0): Promise<HeldFileLock> {
  try {
    await makeDirectory(dir);
    const lock = await acquireFileLock(join(dir, '.pass-contract.lock'), { waitMs });
    await removeDeadWriters(dir).catch(async (error: unknown) => {
      await lock.release();
      throw error;
    });
    return lock;
  } catch (error) {
    throw new ReportDirError(reportDirMessage(dir, error), { cause: error });
  }
}

/**
 * Writes each `[name, text]` into `dir`, one after another; returns the paths in order. Takes the
 * directory for the write unless the caller holds it (`claimed`, from claimReportDir).
 */
export async function writeReportFiles(dir: string, files: readonly (readonly [string, string])[], claimed = false): Promise<string[]> {
  const lock = claimed ? undefined : await claimReportDir(dir, ONE_SHOT_WAIT_MS);
  try {
    // Markdown goes into GitHub step summaries, which show nothing of one over 1 MiB.
    for (const [name, text] of files) await writeFileAtomic(join(dir, name), name.endsWith('.md') ? fitStepSummary(text) : text);
  } catch (error) {
    throw new ReportDirError(reportDirMessage(dir, error), { cause: error });
  } finally {
    await lock?.release();
  }
  return files.map(([name]) => join(dir, name));
}
