// What a command may do to the outside world: print lines, know whether stdout is a terminal, wait for Ctrl-C.
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  isTTY: boolean;
  /** Resolves when the process is asked to stop (Ctrl-C), for the long-running commands. */
  stopped: () => Promise<void>;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
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
