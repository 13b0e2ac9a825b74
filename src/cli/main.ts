#!/usr/bin/env node
// pass-contract: the command line over runCheck, startMock and startProxy.
import { Command, CommanderError, Option } from 'commander';
import { runCheck, UsageError, ENV } from '../contract/check.ts';
import type { CaseResult } from '../contract/run.ts';
import { startMock } from '../mock/server.ts';
import { startProxy } from '../proxy/server.ts';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  isTTY: boolean;
  /** Resolves when the process is asked to stop (Ctrl-C), for the long-running commands. */
  stopped: () => Promise<void>;
}

const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: Boolean(process.stdout.isTTY),
  stopped: () => new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  }),
};

function progressLine(operationId: string, results: CaseResult[], done: number, total: number): string {
  const bad = results.filter((r) => r.outcome !== 'pass');
  const mark = bad.length === 0 ? '✓' : '✗';
  const detail = bad.length === 0 ? '' : ` (${bad.filter((r) => r.outcome === 'drift').length} drift, ${bad.filter((r) => r.outcome === 'error').length} error)`;
  return `${mark} ${operationId.padEnd(38)} ${String(results.length - bad.length).padStart(3)}/${results.length}${detail}  [${done}/${total}]`;
}

/** Runs the CLI and returns the exit code: 0 no drift, 1 drift, 2 usage or connection errors. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('pass-contract')
    .description('Contract checks, mock and drift proxy for Adobe Pass REST API V2 and DCR')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('check', { isDefault: true })
    .description('replay every documented situation and negative case against a target, and report drift')
    .option('-t, --target <mock|url>', 'the embedded mock, or the base URL of an Adobe host (e.g. https://sp.auth-staging.adobe.com)', 'mock')
    .option('-r, --report <dir>', 'where junit.xml, summary.md and report.json go', 'reports')
    .option('--include-state-changing', 'against a real host, also run cases that change state (logout, sessions, authorization)', false)
    .option('-o, --operation <operationId...>', 'only these operations')
    .addHelpText('after', `\nA real host needs ${ENV.softwareStatement} (or ${ENV.clientId} + ${ENV.clientSecret}), ${ENV.serviceProvider} and ${ENV.mvpd}; ${ENV.deviceInfo} is optional.\nExit codes: 0 no drift, 1 drift, 2 usage or connection errors.`)
    .action(async (opts: { target: string; report: string; includeStateChanging: boolean; operation?: string[] }) => {
      const { counts, files, exitCode: code } = await runCheck({
        target: opts.target,
        reportDir: opts.report,
        includeStateChanging: opts.includeStateChanging,
        ...(opts.operation ? { operations: opts.operation } : {}),
        onOperation: (id, results, done, total) => io.isTTY && io.out(progressLine(id, results, done, total)),
      });
      io.out(`${counts.cases} cases: ${counts.pass} pass, ${counts.drift} drift, ${counts.error} error, ${counts.skipped} skipped`);
      io.out(`report: ${files.join(', ')}`);
      exitCode = code;
    });

  program
    .command('mock')
    .description('serve the description with Prism; rejected requests get the documented error codes')
    .option('-p, --port <port>', 'port', '4010')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--verbose', 'log each request').default(false))
    .action(async (opts: { port: string; host: string; verbose: boolean }) => {
      const mock = await startMock({
        port: Number(opts.port), host: opts.host,
        ...(opts.verbose ? { onRequest: (e: { method: string; path: string; status: number; violation?: string }) => io.out(`${e.method} ${e.path} → ${e.status}${e.violation ? ` (${e.violation})` : ''}`) } : {}),
      });
      io.out(`mock listening on ${mock.url} (Prefer: example=<name> / code=<status> selects a documented situation)`);
      await io.stopped();
      await mock.close();
    });

  program
    .command('proxy')
    .description('forward traffic to an Adobe host and collect drift from real calls into the report')
    .requiredOption('-u, --upstream <url>', 'the Adobe host to forward to')
    .option('-p, --port <port>', 'port', '4011')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-r, --report <dir>', 'report directory (rewritten after every call)', 'reports')
    .action(async (opts: { upstream: string; port: string; host: string; report: string }) => {
      try {
        new URL(opts.upstream);
      } catch {
        throw new UsageError(`--upstream must be a URL, got "${opts.upstream}"`);
      }
      const proxy = await startProxy({ upstream: opts.upstream, port: Number(opts.port), host: opts.host, reportDir: opts.report, onRecord: (r) => io.isTTY && io.out(`${r.outcome === 'pass' ? '✓' : '✗'} ${r.id} → ${r.status}`) });
      io.out(`proxy listening on ${proxy.url} → ${opts.upstream}; report in ${opts.report}/`);
      await io.stopped();
      await proxy.close();
      exitCode = proxy.results.some((r) => r.outcome !== 'pass') ? 1 : 0;
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const e = error as Error & { code?: string };
    io.err(`pass-contract: ${e instanceof UsageError ? '' : `${e.name}: `}${e.message}`);
    return 2;
  }
}

// Run when executed directly (bin or tsx), not when imported by tests.
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.js') || process.argv[1]?.endsWith('/cli/main.ts')) {
  process.exitCode = await main(process.argv.slice(2));
}
