// `pass-contract check`: replay every documented situation and negative case, and report drift.
import { Command } from 'commander';
import { ENV, runCheck } from '../../contract/check.ts';
import type { CaseResult } from '../../contract/run.ts';
import type { CommandContext } from '../io.ts';

function progressLine(operationId: string, results: CaseResult[], done: number, total: number): string {
  const bad = results.filter((r) => r.outcome !== 'pass');
  const mark = bad.length === 0 ? '✓' : '✗';
  const detail = bad.length === 0 ? '' : ` (${bad.filter((r) => r.outcome === 'drift').length} drift, ${bad.filter((r) => r.outcome === 'error').length} error)`;
  return `${mark} ${operationId.padEnd(38)} ${String(results.length - bad.length).padStart(3)}/${results.length}${detail}  [${done}/${total}]`;
}

export function checkCommand({ io, setExitCode }: CommandContext): Command {
  return new Command('check')
    .description('replay every documented situation and negative case against a target, and report drift')
    .option('-t, --target <mock|simulator|url>', 'the embedded mock, a fresh simulator (state-changing cases included), or the base URL of an Adobe host (e.g. https://sp.auth-staging.adobe.com)', 'mock')
    .option('-r, --report <dir>', 'where junit.xml, summary.md and report.json go', 'reports')
    .option('--include-state-changing', 'against a real host, also run cases that change state (logout, sessions, authorization)', false)
    .option('-o, --operation <operationId...>', 'only these operations')
    .addHelpText('after', `\nA real host needs ${ENV.softwareStatement} (or ${ENV.clientId} + ${ENV.clientSecret}), ${ENV.serviceProvider} and ${ENV.mvpd}; ${ENV.deviceInfo} is optional.\nExit codes: 0 no drift, 1 drift, 2 usage or connection errors.`)
    .action(async (opts: { target: string; report: string; includeStateChanging: boolean; operation?: string[] }) => {
      const { counts, files, exitCode } = await runCheck({
        target: opts.target,
        reportDir: opts.report,
        includeStateChanging: opts.includeStateChanging,
        ...(opts.operation ? { operations: opts.operation } : {}),
        onOperation: (id, results, done, total) => io.isTTY && io.out(progressLine(id, results, done, total)),
      });
      io.out(`${counts.cases} cases: ${counts.pass} pass, ${counts.drift} drift, ${counts.error} error, ${counts.skipped} skipped`);
      io.out(`report: ${files.join(', ')}`);
      setExitCode(exitCode);
    });
}
