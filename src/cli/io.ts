// What a command may do to the outside world: print lines, know whether stdout is a terminal, wait for Ctrl-C.
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
 */
function lineWriter(stream: NodeJS.WritableStream, onLost: (code: string) => void): (line: string) => void {
  let listening = false;
  let closed = false;
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
    try {
      stream.write(`${line}\n`);
    } catch (error) {
      fail(error as NodeJS.ErrnoException);
    }
  };
}

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
