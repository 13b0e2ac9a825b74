// pass-contract: the command line. Each command lives in ./commands; this file wires them up and maps errors to exit codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { UsageError } from '../contract/check.ts';
import { projectRoot } from '../description/document.ts';
import { auditCommand } from './commands/audit.ts';
import { checkCommand } from './commands/check.ts';
import { mockCommand } from './commands/mock.ts';
import { proxyCommand } from './commands/proxy.ts';
import { processIo, type CommandContext, type Io } from './io.ts';

export type { Io } from './io.ts';

/** Every command, in the order `--help` lists them. */
const COMMANDS: ((ctx: CommandContext) => Command)[] = [checkCommand, mockCommand, proxyCommand, auditCommand];

const version = (): string => (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Runs the CLI and returns the exit code: 0 success / no drift, 1 drift, 2 usage or connection errors. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const ctx: CommandContext = { io, setExitCode: (code) => void (exitCode = code) };
  const program = new Command('pass-contract')
    .description('Contract checks, mock and drift proxy for Adobe Pass REST API V2 and DCR')
    .version(version(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  // addCommand() does not pass settings down: give each command the output and exit handling above.
  for (const command of COMMANDS) program.addCommand(command(ctx).copyInheritedSettings(program));
  const names = program.commands.map((c) => c.name());

  const first = argv[0];
  if (first === undefined) {
    io.err(program.helpInformation().trimEnd());
    return 2;
  }
  if (!first.startsWith('-') && first !== 'help' && !names.includes(first)) {
    io.err(`pass-contract: unknown command '${first}'. Commands: ${names.join(', ')} (pass-contract --help)`);
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
