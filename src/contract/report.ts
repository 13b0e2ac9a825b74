// The run's report in three files that share a run id: junit.xml for CI, summary.md for people
// (a GitHub step summary), report.json for tools. Written atomically, again after every case, so a
// run that is killed or times out still leaves a report that says it did not finish.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { claimReportDir, writeReportFiles, type ReportDirClaim } from '../report/files.ts';
import { groupBy } from '../report/group.ts';
import { newJunitBuilder } from '../report/junit.ts';
import { cell, code, codeCell, inline } from '../report/markdown.ts';
import type { AcceptedDrift } from './drift-file.ts';
import { Redactor } from './redact.ts';
import { fails, type FailOn } from './rules.ts';
import { weight, type CaseResult } from './results.ts';
import { UsageError } from './target.ts';
import type { Drift } from './check-response.ts';

/** running: still going (or killed: the last report of a run that never finished says so). */
export type RunStatus = 'running' | 'complete' | 'timed-out' | 'interrupted' | 'unreachable' | 'stopped';

export interface RunReport {
  runId: string;
  target: string;
  mode: 'mock' | 'remote' | 'proxy';
  status: RunStatus;
  /** Why a run did not complete. */
  statusDetail?: string;
  failOn: FailOn;
  startedAt: string;
  updatedAt: string;
  durationMs: number;
  /** Cases the run meant to send (results may hold more: the DCR exchanges). */
  planned: number;
  results: CaseResult[];
  /** Cases not sent, with the reason (e.g. state-changing against a real host). */
  skipped: { id: string; reason: string }[];
  acceptances?: { file: string; expired: AcceptedDrift[]; unused: AcceptedDrift[] };
}

export interface Counts {
  results: number;
  /** Results that were judged: pass or drift. */
  checked: number;
  pass: number;
  drift: number;
  breaking: number;
  addition: number;
  note: number;
  accepted: number;
  error: number;
  notChecked: number;
  skipped: number;
}

export const newRunId = (): string => randomUUID();

/** Results (a proxy's folded rows count as the exchanges they stand for) for which `f` holds. */
const countOf = (results: CaseResult[], f: (r: CaseResult) => boolean): number => results.reduce((n, r) => (f(r) ? n + weight(r) : n), 0);
/** Drifts for which `f` holds, each counted once per exchange its row stands for. */
const driftsOf = (results: CaseResult[], f: (d: Drift) => boolean): number => results.reduce((n, r) => n + weight(r) * r.drifts.filter(f).length, 0);

export function countResults(report: RunReport): Counts {
  const rs = report.results;
  return {
    results: countOf(rs, () => true),
    checked: countOf(rs, (r) => r.outcome === 'pass' || r.outcome === 'drift'),
    pass: countOf(rs, (r) => r.outcome === 'pass'),
    drift: countOf(rs, (r) => r.outcome === 'drift'),
    breaking: driftsOf(rs, (d) => !d.accepted && d.tier === 'breaking'),
    addition: driftsOf(rs, (d) => !d.accepted && d.tier === 'addition'),
    note: driftsOf(rs, (d) => !d.accepted && d.tier === 'note'),
    accepted: driftsOf(rs, (d) => Boolean(d.accepted)),
    error: countOf(rs, (r) => r.outcome === 'error'),
    notChecked: countOf(rs, (r) => r.outcome === 'not-checked'),
    skipped: report.skipped.length,
  };
}

export interface Verdict {
  exitCode: 0 | 1 | 2;
  headline: string;
}

/** Exit code and headline: 1 for failing drift or an expired acceptance; 2 when the run could not check what it should. */
export function verdict(report: RunReport): Verdict {
  const c = countResults(report);
  const failing = driftsOf(report.results, (d) => !d.accepted && fails(d.tier, report.failOn));
  const expired = report.acceptances?.expired.length ?? 0;
  const notRun = Math.max(0, report.planned - countOf(report.results, (r) => r.kind !== 'dcr'));
  if (report.status === 'running') return { exitCode: 2, headline: `incomplete ⏳ the run has not finished (${c.results} results so far, ${notRun} cases to go); if it is not running any more, it was killed` };
  if (report.status === 'unreachable') return { exitCode: 2, headline: `not run ❌ ${report.statusDetail ?? 'the host is unreachable'}` };
  const stopped = report.status === 'complete' ? '' : ` — run ${report.status}${report.statusDetail ? `: ${report.statusDetail}` : ''}, ${notRun} cases not run`;
  if (c.checked === 0) return { exitCode: 2, headline: `nothing checked ❌ 0 cases were checked${stopped}` };
  if (failing > 0 || expired > 0) {
    const parts = [failing > 0 ? `${failing} failing drift (fail-on ${report.failOn})` : '', expired > 0 ? `${expired} expired acceptance${expired > 1 ? 's' : ''}` : ''].filter(Boolean);
    return { exitCode: 1, headline: `drift ❌ ${parts.join(', ')}${stopped}` };
  }
  if (report.status !== 'complete' || c.error > 0 || c.notChecked > 0) return { exitCode: 2, headline: `incomplete ❌ ${c.error} errors, ${c.notChecked} not checked${stopped}` };
  return { exitCode: 0, headline: c.addition > 0 ? `no breaking drift ✅ (${c.addition} additions to describe)` : 'no drift ✅' };
}

/** For a folded row: how many more exchanges it stands for, and when the last came. */
const seenAgain = (r: CaseResult): string => (r.repeats ? ` (and ${r.repeats} more exchange${r.repeats === 1 ? '' : 's'} like it, the last at ${r.lastSeenAt})` : '');

export function renderSummary(report: RunReport): string {
  const c = countResults(report);
  const v = verdict(report);
  const lines = [
    `## Adobe Pass contract check: ${v.headline}`,
    '',
    `Run ${code(report.runId)} · ${inline(report.target)} · ${c.results} results: ${c.pass} pass · ${c.breaking} breaking · ${c.addition} additions · ${c.note} notes · ${c.accepted} accepted · ${c.error} errors · ${c.notChecked} not checked · ${c.skipped} skipped · ${(report.durationMs / 1000).toFixed(1)} s · fail-on ${report.failOn}`,
    '',
    '| Operation | Status | Results | Pass | Breaking | Additions | Error | Not checked |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  const rows = groupBy(report.results, (r) => `${r.operationId}\u0000${r.status ?? '–'}`);
  for (const [key, rs] of rows) {
    const [op, status] = key.split('\u0000');
    const n = (f: (r: CaseResult) => boolean) => countOf(rs, f);
    lines.push(`| ${codeCell(op!)} | ${status} | ${n(() => true)} | ${n((r) => r.outcome === 'pass')} | ${n((r) => r.tier === 'breaking')} | ${n((r) => r.drifts.some((d) => !d.accepted && d.tier === 'addition'))} | ${n((r) => r.outcome === 'error')} | ${n((r) => r.outcome === 'not-checked')} |`);
  }
  const open = (tier: string) => report.results.filter((r) => r.drifts.some((d) => !d.accepted && d.tier === tier));
  const breaking = open('breaking');
  if (breaking.length > 0) {
    lines.push('', '### ❌ Breaking drift', '');
    for (const r of breaking) {
      lines.push(`#### ${inline(r.id)}`, '', `${code(`${r.request.method} ${r.request.path}`)} → ${r.status ?? 'no response'}${seenAgain(r)}`, '', '| Where | Rule | What | Expected | Actual |', '|---|---|---|---|---|');
      for (const d of r.drifts.filter((x) => !x.accepted && x.tier === 'breaking')) lines.push(`| ${codeCell(d.pointer || '(response)')} | ${codeCell(d.rule)} | ${cell(d.message)} | ${cell(d.expected)} | ${cell(d.actual)} |`);
      lines.push('');
    }
  }
  const additions = report.results.flatMap((r) => r.drifts.filter((d) => !d.accepted && d.tier === 'addition').map((d) => ({ r, d })));
  if (additions.length > 0) {
    lines.push('', `### ⚠️ Additions (warnings${report.failOn === 'addition' ? ', failing with --fail-on addition' : ''}): the host sends what the description does not know`, '', '| Operation | Where | Rule | What to add | Actual |', '|---|---|---|---|---|');
    for (const { r, d } of additions) lines.push(`| ${codeCell(r.operationId)} | ${codeCell(d.pointer)} | ${codeCell(d.rule)} | ${cell(d.hint ?? d.message)} | ${cell(d.actual)} |`);
  }
  const notes = report.results.flatMap((r) => r.drifts.filter((d) => !d.accepted && d.tier === 'note').map((d) => ({ r, d })));
  if (notes.length > 0) {
    lines.push('', '### Notes', '', ...notes.map(({ r, d }) => `- ${code(r.operationId)} ${code(d.pointer || '(response)')} ${code(d.rule)}: ${inline(d.message)}`));
  }
  const accepted = report.results.flatMap((r) => r.drifts.filter((d) => d.accepted).map((d) => ({ r, d })));
  if (accepted.length > 0) {
    lines.push('', '### Accepted drift', '', '| Operation | Where | Rule | Reason | Expires |', '|---|---|---|---|---|');
    for (const { r, d } of accepted) lines.push(`| ${codeCell(r.operationId)} | ${codeCell(d.pointer || '(response)')} | ${codeCell(d.rule)} | ${cell(d.accepted!.reason)} | ${d.accepted!.expires} |`);
  }
  const acc = report.acceptances;
  if (acc && acc.expired.length > 0) {
    lines.push('', `### ❌ Expired acceptances in ${code(acc.file)} (they fail the run: fix the drift or renew the entry)`, '');
    for (const e of acc.expired) lines.push(`- ${code(e.operation)} ${code(e.pointer)} ${code(e.rule)}: expired ${e.expires} (${inline(e.reason)})`);
  }
  if (acc && acc.unused.length > 0) {
    lines.push('', `<details><summary>${acc.unused.length} acceptances matched nothing in this run</summary>`, '', ...acc.unused.map((e) => `- ${code(e.operation)} ${code(e.pointer)} ${code(e.rule)}`), '', '</details>');
  }
  const failed = report.results.filter((r) => r.outcome === 'error' || r.outcome === 'not-checked');
  if (failed.length > 0) {
    lines.push('', '### Errors and cases not checked', '', ...failed.map((r) => `- ${inline(r.id)} (${r.outcome}): ${inline(r.error ?? '')}${seenAgain(r)}`));
  }
  if (report.skipped.length > 0) lines.push('', `<details><summary>${report.skipped.length} skipped</summary>`, '', ...report.skipped.map((s) => `- ${inline(s.id)}: ${inline(s.reason)}`), '', '</details>');
  return `${lines.join('\n')}\n`;
}

export function renderJunit(report: RunReport): string {
  const builder = newJunitBuilder();
  const v = verdict(report);
  const run = builder.testSuite().name('pass-contract run').property('runId', report.runId).property('status', report.status).property('target', report.target);
  const runCase = run.testCase().className('pass-contract').name('run completed');
  if (report.status !== 'complete') runCase.error(`run ${report.status}: ${report.statusDetail ?? v.headline}`, report.status);
  for (const e of report.acceptances?.expired ?? []) run.testCase().className('pass-contract').name(`acceptance ${e.operation} ${e.pointer} ${e.rule}`).failure(`expired ${e.expires}: ${e.reason}`, 'expired');
  const suites = new Map<string, ReturnType<typeof builder.testSuite>>();
  const suite = (op: string) => {
    let s = suites.get(op);
    if (!s) {
      s = builder.testSuite().name(op).property('runId', report.runId);
      suites.set(op, s);
    }
    return s;
  };
  for (const r of report.results) {
    const test = suite(r.operationId).testCase().className(r.operationId).name(`${r.name}${seenAgain(r)}`).time(r.durationMs / 1000);
    const failing = r.drifts.filter((d) => !d.accepted && fails(d.tier, report.failOn));
    const other = r.drifts.filter((d) => !failing.includes(d));
    if (failing.length > 0) test.failure(failing.map((d) => `[${d.tier} ${d.rule}] ${d.pointer || '(response)'}: ${d.message}`).join('\n'), 'drift');
    if (other.length > 0) test.standardOutput(other.map((d) => `[${d.accepted ? 'accepted' : d.tier} ${d.rule}] ${d.pointer || '(response)'}: ${d.message}${d.hint ? ` — ${d.hint}` : ''}`).join('\n'));
    if (r.outcome === 'error') test.error(r.error ?? 'error', 'error');
    if (r.outcome === 'not-checked') test.skipped().standardOutput(`not checked: ${r.error ?? ''}`);
  }
  for (const s of report.skipped) {
    const [op = 'skipped', ...rest] = s.id.split(' › ');
    suite(op).testCase().className(op).name(rest.join(' › ')).skipped();
  }
  return builder.build();
}

export function renderJson(report: RunReport): string {
  return `${JSON.stringify({ ...report, counts: countResults(report), verdict: verdict(report) }, null, 2)}\n`;
}

export const REPORT_FILES = ['junit.xml', 'summary.md', 'report.json'] as const;

/**
 * Checks, before anything is sent, that the report directory can be created and written, and takes
 * it for the run (no other live process writes reports there until the lock is released).
 */
export async function prepareReportDir(dir: string): Promise<ReportDirClaim> {
  try {
    return await claimReportDir(dir);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Writes the three files of `report` into `dir` (redacting `secrets`); returns their paths. */
export function writeReports(dir: string, report: RunReport, secrets: string[] = []): Promise<string[]> {
  return new ReportWriter(dir, new Redactor(secrets)).write(report);
}

/** Writes the three files, redacted, one write at a time; `schedule` coalesces frequent updates. */
export class ReportWriter {
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private latest: RunReport | undefined;

  /**
   * `claim`: the caller holds the directory for its run (prepareReportDir / claimReportDir), and a
   * write takes it again if it went away; otherwise each write takes it. `onScheduled` hears how each scheduled write ended (its error,
   * or undefined): nothing else would, and a long run (the proxy) must not stop reporting unseen.
   */
  constructor(readonly dir: string, private readonly redactor: Redactor, private readonly claim?: ReportDirClaim, private readonly minIntervalMs = 200, private readonly onScheduled?: (error?: unknown) => void) {}

  get files(): string[] {
    return REPORT_FILES.map((f) => join(this.dir, f));
  }

  /** Writes soon (at most every minIntervalMs); the last report scheduled wins. */
  schedule(report: RunReport): void {
    this.latest = report;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const latest = this.latest;
      if (latest) void this.write(latest).then(() => this.onScheduled?.(), (error: unknown) => this.onScheduled?.(error));
    }, this.minIntervalMs);
  }

  /** Writes now (after any write in progress) and cancels a scheduled one. */
  write(report: RunReport): Promise<string[]> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.latest = undefined;
    const safe = this.redactor.value(report);
    const texts: [string, string][] = [
      ['junit.xml', renderJunit(safe)],
      ['summary.md', renderSummary(safe)],
      ['report.json', renderJson(safe)],
    ].map(([name, text]) => [name!, this.redactor.text(text!)]);
    const next = this.chain.then(() => writeReportFiles(this.dir, texts, this.claim));
    this.chain = next.catch(() => undefined);
    return next;
  }
}
