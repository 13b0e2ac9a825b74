// What a command may do to the outside world: print lines, know whether stdout is a terminal, wait for Ctrl-C.
import type { Writable } from 'node:stream';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  isTTY: boolean;
  /** Resolves when the process is asked to stop (Ctrl-C), for the long-running commands. */
  stopped: () => Promise<void>;
  /**
   * The streams that could not be written (`standard output (ENOSPC)`), other than by their reader
   * going away: what the command printed there is lost, so `main()` exits 2.
   */
  lost?: () => readonly string[];
}

/**
 * Writes lines to a standard stream until it cannot take them.
 * - The reader went away (`pass-contract check | head`, EPIPE): the next write failed with an
 *   unhandled 'error' event, a stack trace and exit code 1, which reads as drift. The run now goes
 *   on without printing, writes its reports and exits with its own code.
 * - Anything else (`check > run.log` on a full disk: ENOSPC; a file-size limit: EFBIG; a terminal
 *   gone: EIO) threw the same way: the check stopped at its first line with its report incomplete,
 *   and `proxy > proxy.log &` died at start-up. The command now goes on without printing there
 *   (a proxy keeps forwarding), `onLost` hears it once, and the exit code becomes 2.
 * - A reader that does not keep up (a pipe to a stalled log collector): Node keeps what a pipe
 *   cannot take yet in memory, without a bound, so a proxy's line per exchange grew the process for
 *   as long as the reader stalled. Past MAX_BUFFERED bytes waiting, lines are dropped and counted;
 *   once the reader has caught up, one line says how many it missed.
 */
function lineWriter(stream: NodeJS.WritableStream, onLost: (code: string) => void): (line: string) => void {
  let listening = false;
  let closed = false;
  let dropped = 0;
  const waiting = () => (stream as Partial<Writable>).writableLength ?? 0;
  const fail = (error: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (error.code !== 'EPIPE') onLost(error.code ?? error.name);
  };
  return (line) => {
    if (!listening) {
      listening = true;
      stream.on('error', fail);
    }
    if (closed) return;
    // Once dropping, until the reader has caught up: the notice then marks where the gap is.
    if (dropped > 0 || waiting() > MAX_BUFFERED) {
      if (dropped++ === 0) {
        stream.once('drain', () => {
          const n = dropped;
          dropped = 0;
          write(`pass-contract: ${n} line${n === 1 ? '' : 's'} not printed here: this output was not read as fast as it was written`);
        });
      }
      return;
    }
    write(line);
  };
  function write(line: string): void {
    if (closed) return;
    try {
      stream.write(`${line}\n`);
    } catch (error) {
      fail(error as NodeJS.ErrnoException);
    }
  }
}

/** Bytes a standard stream may hold for a slow reader before lines are dropped (and counted). */
export const MAX_BUFFERED = 1 << 20;

/** An `Io` on two writable streams (without `stopped`'s signals: see `processIo`); `onLost` hears each stream lost. */
export function streamIo(stdout: NodeJS.WritableStream & { isTTY?: boolean }, stderr: NodeJS.WritableStream, onLost: () => void = () => {}): Io {
  const lost: string[] = [];
  const err = lineWriter(stderr, (code) => {
    lost.push(`standard error (${code})`);
    onLost();
  });
  const out = lineWriter(stdout, (code) => {
    lost.push(`standard output (${code})`);
    onLost();
    err(`pass-contract: cannot write to standard output (${code}): nothing more is printed there, and the command will exit 2`);
  });
  return { out, err, isTTY: Boolean(stdout.isTTY), stopped: () => new Promise(() => {}), lost: () => lost };
}

export const processIo: Io = {
  // A write fails a tick later, possibly once main() has returned its code: the exit code follows.
  ...streamIo(process.stdout, process.stderr, () => {
    if ((Number(process.exitCode) || 0) < 2) process.exitCode = 2;
  }),
  stopped: () => new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  }),
};

/** What a command module gets: the io, and a way to set the process exit code. */
export interface CommandContext {
  io: Io;
  setExitCode: (code: number) => void;
}
