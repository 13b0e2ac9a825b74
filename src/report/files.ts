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
 * A report directory taken by this process (claimReportDir). A directory removed under a long run
 * (`rm -rf reports`, a cleaner of old temp files) took its lock with it, and every later write
 * failed with ENOENT until the run ended without a report: `writeReportFiles` then makes it and
 * takes it again (`reclaim`) and writes once more, and `release` lets go of whichever lock is held.
 */
export interface ReportDirClaim {
  readonly dir: string;
  reclaim(): Promise<void>;
  release(): Promise<void>;
}

/** Creates `dir` if needed and locks it; removes the temp files a killed writer left there. */
async function lockReportDir(dir: string, waitMs: number): Promise<HeldFileLock> {
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
 * Creates `dir` if needed and takes it for this process: a ReportDirError when it cannot be written,
 * or when another live process writes its reports there (at once, or after `waitMs`). Holding it,
 * removes the temp files a killed writer left there (once per claim, not per write).
 */
export async function claimReportDir(dir: string, waitMs = 0): Promise<ReportDirClaim> {
  let lock = await lockReportDir(dir, waitMs);
  return {
    dir,
    async reclaim() {
      const gone = lock;
      lock = await lockReportDir(dir, 0);
      await gone.release().catch(() => undefined);
    },
    release: () => lock.release(),
  };
}

/** A write that failed because its directory is no longer there. */
const directoryGone = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Writes each `[name, text]` into `dir`, one after another; returns the paths in order. Takes the
 * directory for the write unless the caller holds it (`claim`, from claimReportDir), which is taken
 * again if the directory went away meanwhile.
 */
export async function writeReportFiles(dir: string, files: readonly (readonly [string, string])[], claim?: ReportDirClaim): Promise<string[]> {
  const held = claim ?? (await claimReportDir(dir, ONE_SHOT_WAIT_MS));
  // Markdown goes into GitHub step summaries, which show nothing of one over 1 MiB.
  const write = async () => {
    for (const [name, text] of files) await writeFileAtomic(join(dir, name), name.endsWith('.md') ? fitStepSummary(text) : text);
  };
  try {
    await write().catch(async (error: unknown) => {
      if (!claim || !directoryGone(error)) throw error;
      await claim.reclaim();
      await write();
    });
  } catch (error) {
    throw error instanceof ReportDirError ? error : new ReportDirError(reportDirMessage(dir, error), { cause: error });
  } finally {
    if (!claim) await held.release();
  }
  return files.map(([name]) => join(dir, name));
}
