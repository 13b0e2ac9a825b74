// The audit report in the drift check's formats: summary.md, report.json and junit.xml in a
// directory, and GitHub workflow annotations on stdout.
import { writeReportFiles } from '../report/files.ts';
import { AnnotationBudget } from '../report/github.ts';
import { newJunitBuilder } from '../report/junit.ts';
import { cell, code, codeCell, inline } from '../report/markdown.ts';
import { oneLine } from '../report/text.ts';
import { failing, type AuditReport, type RuleOutcome } from './audit.ts';
import type { Finding } from './rule.ts';

const STATUS: Record<RuleOutcome['status'], string> = { pass: '✅ pass', fail: '❌ fail', 'not-exercised': '➖ not exercised', undecided: '❔ undecided' };

/** Whether a finding counts against the run (MUST always; SHOULD with --fail-on should). */
const blocking = (report: AuditReport, f: Pick<Finding, 'level'>) => f.level === 'MUST' || report.failOn === 'should';

export function renderSummary(report: AuditReport): string {
  const c = report.counts;
  const t = report.traffic;
  const verdict = failing(report) ? `${c.must} MUST, ${c.should} SHOULD findings ❌` : c.should ? `no MUST findings, ${c.should} SHOULD ⚠️` : 'no findings ✅';
  const lines = [
    `## Adobe Pass integration audit: ${verdict}`,
    '',
    `Traffic: ${report.files.map(code).join(', ')} · ${t.exchanges} requests to Adobe's API from ${t.devices} device${t.devices === 1 ? '' : 's'} (${t.ignored} other entries ignored) · ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    `${c.rules} rules checked: ${c.pass} pass, ${c.fail} fail, ${c.notExercised} not exercised by this traffic, ${c.undecided} undecided · ${c.notCheckable} rules not checkable from traffic (listed below)`,
    '',
    '| Rule | Level | Result | Findings | Examined |',
    '|---|---|---|---:|---:|',
    ...report.rules.map((r) => `| \`${r.id}\` ${cell(r.title)} | ${r.level} | ${STATUS[r.status]}${r.note ? ` (${cell(r.note)})` : ''} | ${r.findings.length} | ${r.examined} |`),
  ];
  const failed = report.rules.filter((r) => r.findings.length);
  if (failed.length) {
    lines.push('', '### Findings', '');
    for (const r of failed) {
      lines.push(`#### \`${r.id}\` (${r.level}) ${inline(r.title)}`, '');
      for (const s of r.sources) lines.push(`- Source: \`${s.page}\` › ${inline(s.section)}: ${inline(s.words)}`);
      lines.push(`- Change: ${inline(r.fix)}`, '', '| Device | Requests | What happened |', '|---|---|---|');
      for (const f of r.findings) lines.push(`| ${codeCell(f.device)} | ${f.requests.join(', ')} | ${cell(f.message)} |`);
      lines.push('');
    }
  }
  lines.push('', `<details><summary>${report.notCheckable.length} rules not checkable from traffic</summary>`, '', '| Rule | Level | Why traffic cannot decide it |', '|---|---|---|');
  for (const n of report.notCheckable) lines.push(`| \`${n.id}\` ${cell(n.title)} | ${n.level} | ${cell(n.why)} |`);
  lines.push('', '</details>');
  return `${lines.join('\n')}\n`;
}

export function renderJunit(report: AuditReport): string {
  const builder = newJunitBuilder();
  const suite = builder.testSuite().name('pass-contract audit');
  for (const r of report.rules) {
    const test = suite.testCase().className(`audit.${r.level}`).name(`${r.id}: ${r.title}`);
    const lines = r.findings.map((f) => `${f.device}: ${f.message} [${f.requests.join(', ')}]`).join('\n');
    if (r.findings.length && blocking(report, r)) test.failure(`${r.findings.length} finding${r.findings.length > 1 ? 's' : ''}. Change: ${r.fix}\n${lines}`, r.level);
    else if (r.findings.length) test.standardOutput(`${r.level} findings (not failing with --fail-on ${report.failOn}):\n${lines}`);
    else if (r.status === 'not-exercised') test.skipped().standardOutput('not exercised by this traffic');
    else if (r.status === 'undecided') test.skipped().standardOutput(`undecided: ${r.note}`);
  }
  const nc = builder.testSuite().name('pass-contract audit: not checkable from traffic');
  for (const n of report.notCheckable) nc.testCase().className(`audit.${n.level}`).name(`${n.id}: ${n.title}`).skipped().standardOutput(`not checkable from traffic: ${n.why}`);
  return builder.build();
}

/**
 * One `::error` (counts against the run) or `::warning` line per finding, within GitHub's budget
 * per step; past it, plain lines (this format prints nothing else).
 */
export function renderGithubAnnotations(report: AuditReport): string[] {
  const file = report.files.length === 1 ? report.files[0] : undefined;
  const budget = new AnnotationBudget();
  return report.rules.flatMap((r) => r.findings.flatMap((f) => {
    const level = blocking(report, f) ? 'error' : 'warning';
    const title = `${r.id} (${r.level}): ${r.title}`;
    const message = `${f.device}: ${f.message}. Requests ${f.requests.join(', ')}. Change: ${r.fix}`;
    return budget.lines(level, message, { title, file }, `${level} ${title}: ${message}`);
  }));
}

/** One line per finding for a terminal or a CI log (line breaks the traffic sent become spaces). */
export function renderText(report: AuditReport): string[] {
  return report.rules.flatMap((r) => r.findings.map((f) => oneLine(`${blocking(report, f) ? '✗' : '!'} ${r.level} ${r.id} · ${f.device}: ${f.message} [${f.requests.slice(0, 8).join(', ')}${f.requests.length > 8 ? ', …' : ''}]`)));
}

/** Writes summary.md, report.json and junit.xml into `dir`, each whole or not at all (`writeReportFiles`); returns their paths. */
export function writeAuditReports(dir: string, report: AuditReport): Promise<string[]> {
  return writeReportFiles(dir, [
    ['junit.xml', renderJunit(report)],
    ['summary.md', renderSummary(report)],
    ['report.json', `${JSON.stringify(report, null, 2)}\n`],
  ]);
}
