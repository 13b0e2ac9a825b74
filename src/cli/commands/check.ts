// `pass-contract check`: replay every documented situation and negative case, and report drift.
import { Command, Option } from 'commander';
import { runCheck } from '../../check.ts';
import { ENV } from '../../contract/check.ts';
import { DEFAULT_DRIFT_FILE } from '../../contract/drift-file.ts';
import type { CaseResult } from '../../contract/results.ts';
import { fails, type FailOn } from '../../contract/rules.ts';
import { parseTarget } from '../../contract/target.ts';
import { AnnotationBudget } from '../../report/github.ts';
import { oneLine } from '../../report/text.ts';
import type { CommandContext } from '../io.ts';
import { ms, requestsPerSecond, seconds } from './options.ts';

function progressLine(operationId: string, results: CaseResult[], done: number, total: number): string {
  const bad = results.filter((r) => r.outcome !== 'pass');
  const mark = bad.length === 0 ? '✓' : '✗';
  const n = (f: (r: CaseResult) => boolean) => results.filter(f).length;
  const detail = bad.length === 0 ? '' : ` (${n((r) => r.tier === 'breaking')} breaking, ${n((r) => r.tier === 'addition')} additions, ${n((r) => r.outcome === 'error')} error, ${n((r) => r.outcome === 'not-checked')} not checked)`;
  return `${mark} ${operationId.padEnd(38)} ${String(results.length - bad.length).padStart(3)}/${results.length}${detail}  [${done}/${total}]`;
}

const MARK: Record<CaseResult['outcome'], string> = { pass: '✓', drift: '✗', error: '!', 'not-checked': '?' };

/** A result's first log line (the check's and the proxy's): outcome, id, status, tier, error. */
export const resultHead = (r: CaseResult): string => oneLine(`${MARK[r.outcome]} ${r.id} → ${r.status ?? r.outcome}${r.tier ? ` [${r.tier}]` : ''}${r.error ? `: ${r.error}` : ''}`);

/**
 * The log lines of one result: its head, then one indented line per drift that is not accepted.
 * Each is one line whatever the host sent: CI runners read a line starting with `::` as a command.
 */
export function resultLines(r: CaseResult): string[] {
  return [resultHead(r), ...r.drifts.filter((d) => !d.accepted).map((d) => oneLine(`    ${d.tier} ${d.rule} ${d.pointer || '(response)'}: ${d.message}`))];
}

/**
 * `::error` for drift that fails the run, `::warning` for other additions, `::notice` for notes,
 * within GitHub's budget per step (`budget`, one per run). The same drift of an operation in
 * another case is not annotated again (`seen`, one per run): it would spend a slot of the 10 on
 * what is shown already. The log lines (`resultLines`) list every drift whatever the budget.
 */
export function githubAnnotations(r: CaseResult, failOn: FailOn, budget = new AnnotationBudget(), seen = new Set<string>()): string[] {
  const once = (key: string) => !seen.has(key) && Boolean(seen.add(key));
  const lines = r.drifts.filter((d) => !d.accepted && once(JSON.stringify([r.operationId, d.rule, d.pointer, d.expected]))).flatMap((d) => {
    const level = fails(d.tier, failOn) ? 'error' : d.tier === 'addition' ? 'warning' : 'notice';
    return budget.lines(level, `${r.id} ${d.pointer || '(response)'}: ${d.message}${d.hint ? ` — ${d.hint}` : ''}`, { title: `${d.tier} ${d.rule}: ${r.operationId}` });
  });
  if (r.outcome === 'error' || r.outcome === 'not-checked') lines.push(...budget.lines('error', `${r.id}: ${r.error ?? ''}`, { title: `${r.outcome}: ${r.operationId}` }));
  return lines;
}

interface Opts {
  target: string; report: string; includeStateChanging: boolean; operation?: string[]; failOn: FailOn; driftFile?: string;
  timeout?: number; requestTimeout: number; format: 'text' | 'github'; rate?: number;
}

export function checkCommand({ io, setExitCode }: CommandContext): Command {
  return new Command('check')
    .description('replay every documented situation and negative case against a target, and report drift')
    .option('-t, --target <mock|simulator|url>', 'the embedded mock, a fresh simulator (state-changing cases included), or the base URL of an Adobe host (e.g. https://sp.auth-staging.adobe.com)', 'mock')
    .option('-r, --report <dir>', 'where junit.xml, summary.md and report.json go (checked before the run)', 'reports')
    .option('--include-state-changing', 'against a real host, also run cases that change state (logout, sessions, authorization)', false)
    .option('-o, --operation <operationId...>', 'only these operations')
    .addOption(new Option('--fail-on <tier>', 'the lowest drift tier that fails the run').choices(['breaking', 'addition']).default('breaking'))
    .option('--drift-file <path>', `accepted drift (default ${DEFAULT_DRIFT_FILE} when it exists)`)
    .option('--timeout <seconds>', 'deadline for the whole run', seconds('--timeout'))
    .option('--request-timeout <seconds>', 'deadline of each request, headers and body', seconds('--request-timeout'), 15)
    .option('--rate <requests-per-second>', 'the host\'s throttle per device (default Adobe\'s: 1; the simulator\'s throttle is off); the check stays 10 % under it', requestsPerSecond('--rate'))
    .addOption(new Option('--format <format>', 'log format: text, or github (workflow annotations)').choices(['text', 'github']).default('text'))
    .addHelpText('after', `\nA real host needs ${ENV.softwareStatement} (or ${ENV.clientId} + ${ENV.clientSecret}), ${ENV.serviceProvider} and ${ENV.mvpd}; ${ENV.deviceInfo} is optional.\nExit codes: 0 no drift, 1 drift, 2 usage or connection errors (also: nothing checked, run timed out).`)
    .action(async (opts: Opts) => {
      const target = parseTarget(opts.target);
      const perCase = !io.isTTY || opts.format === 'github';
      const cancel = new AbortController();
      void io.stopped().then(() => cancel.abort());
      const budget = new AnnotationBudget();
      const annotated = new Set<string>();
      const { counts, files, verdict } = await runCheck({
        target,
        reportDir: opts.report,
        includeStateChanging: opts.includeStateChanging,
        failOn: opts.failOn,
        requestTimeoutMs: ms(opts.requestTimeout),
        ...(opts.rate !== undefined ? { pace: { ratePerSecond: opts.rate } } : {}),
        signal: cancel.signal,
        ...(opts.operation ? { operations: opts.operation } : {}),
        ...(opts.driftFile ? { driftFile: opts.driftFile } : {}),
        ...(opts.timeout ? { timeoutMs: ms(opts.timeout) } : {}),
        onResult: (r) => {
          if (!perCase) return;
          for (const line of resultLines(r)) io.out(line);
          if (opts.format === 'github') for (const line of githubAnnotations(r, opts.failOn, budget, annotated)) io.out(line);
        },
        onOperation: (id, results, done, total) => {
          if (!perCase) io.out(progressLine(id, results, done, total));
        },
      });
      io.out(verdict.headline);
      io.out(`${counts.results} results: ${counts.pass} pass, ${counts.breaking} breaking, ${counts.addition} additions, ${counts.note} notes, ${counts.accepted} accepted, ${counts.error} errors, ${counts.notChecked} not checked, ${counts.skipped} skipped`);
      io.out(`report: ${files.join(', ')}`);
      setExitCode(verdict.exitCode);
    });
}
