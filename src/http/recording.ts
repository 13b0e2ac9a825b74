// `--record <file>` of the proxy and the simulator: opens the HAR recorder with an error that says why
// the file cannot be written, and records without ever failing a request. The servers wait for
// `record()` before they finish an answer, so an exchange a client has seen complete is on disk even
// if the process is killed right after (the recorder keeps the file valid HAR after every entry).
import { acquireFileLock, FileLockHeldError, type HeldFileLock } from 'pass-contract-client/node';
import { HarRecorder, type ExchangeToRecord, type HarRecorderOptions } from './har.ts';

export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

export interface Recording {
  readonly path: string;
  /** Exchanges written so far. */
  readonly count: number;
  /** Exchanges that could not be written (the first failure went to `onError`). */
  readonly failures: number;
  /** Times the recording started again in a new file at its path (moved aside, removed, or cut to nothing). */
  readonly restarts: number;
  /** Resolves once the exchange is on disk, or once writing it failed; never rejects. */
  record(exchange: ExchangeToRecord): Promise<void>;
  /** Waits for the writes under way and closes the file; later exchanges are dropped. */
  close(): Promise<void>;
}

export interface RecordingOptions extends HarRecorderOptions {
  /** Told about the first exchange that could not be written (a full disk, a removed directory). */
  onError?: (error: Error) => void;
}

/** Why `path` cannot be recorded to, from the error of locking or creating it. */
function cannotRecord(path: string, error: unknown): RecordingError {
  if (error instanceof FileLockHeldError) return new RecordingError(`cannot record to ${path}: ${error.who} records to it (it holds ${error.lockPath})`);
  const e = error as NodeJS.ErrnoException;
  const why = e.code === 'ENOENT' ? 'its directory does not exist' : e.code === 'EISDIR' ? 'it is a directory' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.message;
  return new RecordingError(`cannot record to ${path}: ${why}`);
}

/**
 * Creates (or truncates) `path` as an empty HAR log, holding `<path>.lock` until `close()`; a path
 * that cannot be written, or that another live process records to, is a RecordingError. Without
 * the lock, a second proxy or simulator started by mistake with the same `--record` truncated the
 * first one's recording (before it even found its port taken), and the first went on writing at
 * its old offsets into a file no parser reads. A holder killed with -9 leaves the lock behind; the
 * next recorder on this host takes it over at once (another host's, after 30 s untouched).
 */
export async function openRecording(path: string, options: RecordingOptions = {}): Promise<Recording> {
  let lock: HeldFileLock;
  let recorder: HarRecorder;
  try {
    lock = await acquireFileLock(`${path}.lock`, { waitMs: 0 });
  } catch (error) {
    throw cannotRecord(path, error);
  }
  try {
    recorder = await HarRecorder.create(path, options);
  } catch (error) {
    await lock.release();
    throw cannotRecord(path, error);
  }
  let failures = 0;
  let closed = false;
  return {
    path,
    get count() {
      return recorder.count;
    },
    get failures() {
      return failures;
    },
    get restarts() {
      return recorder.restarts;
    },
    async record(exchange) {
      if (closed) return;
      try {
        await recorder.record(exchange);
      } catch (error) {
        if (failures++ === 0) options.onError?.(new RecordingError(`cannot write to the recording ${path}: ${(error as Error).message}`));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await recorder.close();
      } finally {
        await lock.release();
      }
    },
  };
}

/** The line the commands print when a recording ends. */
export const recordingSummary = (r: Pick<Recording, 'path' | 'count' | 'failures' | 'restarts'>) =>
  `recorded ${r.count} exchange${r.count === 1 ? '' : 's'} to ${r.path}${r.restarts ? ` (started again ${r.restarts === 1 ? 'once' : `${r.restarts} times`} after the file was moved, removed or cut)` : ''}${r.failures ? ` (${r.failures} could not be written)` : ''}`;

/** Node's `rawHeaders` ([name, value, name, value, …]) as pairs, in the order and case they came. */
export function headerPairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}
