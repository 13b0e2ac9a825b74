// pass-contract: the command line. Each command lives in ./commands; this file wires them up and maps errors to exit codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { UsageError } from '../contract/usage-error.ts';
import { projectRoot } from '../description/document.ts';
import { printable } from '../report/text.ts';
import { processIo, type CommandContext, type Io } from './io.ts';

export type { Io } from './io.ts';

type CommandFactory = (ctx: CommandContext) => Command;

/**
 * Every command, in the order `--help` lists them. Each module is loaded only when its command
 * runs (or for help), so `simulate` does not pay for Prism and the check at start-up.
 */
const COMMANDS: Record<string, () => Promise<CommandFactory>> = {
  check: async () => (await import('./commands/check.ts')).checkCommand,
  mock: async () => (await import('./commands/mock.ts')).mockCommand,
  proxy: async () => (await import('./commands/proxy.ts')).proxyCommand,
  simulate: async () => (await import('./commands/simulate.ts')).simulateCommand,
  diff: async () => (await import('./commands/diff.ts')).diffCommand,
  upstream: async () => (await import('./commands/upstream.ts')).upstreamCommand,
  audit: async () => (await import('./commands/audit.ts')).auditCommand,
};

const version = (): string => (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Runs the CLI and returns the exit code: 0 success / no drift, 1 drift, 2 usage or connection
 * errors, or output that could not be written (`check > run.log` on a full disk).
 */
export async function main(argv: string[], given: Io = processIo): Promise<number> {
  const code = await run(argv, given);
  return (given.lost?.().length ?? 0) > 0 ? Math.max(code, 2) : code;
}

async function run(argv: string[], given: Io): Promise<number> {
  // Every line goes out printable, whichever command wrote it and whatever a host put into it.
  const io: Io = { ...given, out: (line) => given.out(printable(line)), err: (line) => given.err(printable(line)) };
  let exitCode = 0;
  const ctx: CommandContext = { io, setExitCode: (code) => void (exitCode = code) };
  const program = new Command('pass-contract')
    .description('Contract checks, mock, simulator and drift proxy for Adobe Pass REST API V2 and DCR')
    .version(version(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  const names = Object.keys(COMMANDS);
  const first = argv[0];
  const wanted = first !== undefined && names.includes(first) ? [first] : first === undefined || ['help', '--help', '-h'].includes(first) ? names : [];
  // addCommand() does not pass settings down: give each command the output and exit handling above.
  for (const name of wanted) program.addCommand((await COMMANDS[name]!())(ctx).copyInheritedSettings(program));

  if (first === undefined) {
    io.err(program.helpInformation().trimEnd());
    return 2;
  }
  if (!first.startsWith('-') && first !== 'help' && !names.includes(first)) {
    io.err(`pass-contract: unknown command '${first}'. Commands: ${names.join(', ')} (pass-contract --help)`);
    return 2;
  }

  const empty = emptyArgument(argv);
  if (empty) {
    io.err(`pass-contract: ${empty} (an unset variable?); see pass-contract ${first} --help`);
    return 2;
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const e = error as Error;
    io.err(`pass-contract: ${e instanceof UsageError ? '' : `${e.name}: `}${e.message}`);
    return 2;
  }
}

/**
 * What was given empty, if anything: `--report "$DIR"` with DIR unset wrote the reports into the
 * working directory, `--scenario ""` ran the default scenario, `--record ""` recorded nothing, and
 * `diff "" x` said "cannot read : ENOENT". No option or argument of ours takes an empty value.
 */
function emptyArgument(argv: string[]): string | undefined {
  for (const [i, arg] of argv.entries()) {
    const inline = /^(--[^=]+)=$/.exec(arg);
    if (inline) return `${inline[1]} was given an empty value`;
    if (arg !== '') continue;
    const before = argv[i - 1];
    return before?.startsWith('-') && !before.includes('=') ? `${before} was given an empty value` : `argument ${i} of ${argv[0]} is empty`;
  }
  return undefined;
}
