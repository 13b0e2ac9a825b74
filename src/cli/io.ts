// What a command may do to the outside world: print lines, know whether stdout is a terminal, wait for Ctrl-C.
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  isTTY: boolean;
  /** Resolves when the process is asked to stop (Ctrl-C), for the long-running commands. */
  stopped: () => Promise<void>;
}

/**
 * Writes lines to a standard stream until whoever reads it goes away. `pass-contract check | head`
 * closed the pipe: the next write failed with EPIPE, an unhandled 'error' event, a stack trace and
 * exit code 1, which reads as drift. The run now goes on without printing, writes its reports and
 * exits with its own code.
 */
function lineWriter(stream: NodeJS.WriteStream): (line: string) => void {
  let listening = false;
  let closed = false;
  return (line) => {
    if (!listening) {
      listening = true;
      stream.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
        closed = true;
      });
    }
    if (!closed) stream.write(`${line}\n`);
  };
}

export const processIo: Io = {
  out: lineWriter(process.stdout),
  err: lineWriter(process.stderr),
  isTTY: Boolean(process.stdout.isTTY),
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
