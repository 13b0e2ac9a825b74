// Renders a diff as Markdown (humans, step summaries), JSON (tools; the documented shape), JUnit (CI) and
// GitHub workflow annotations; decides the exit code from --fail-on.
import { AnnotationBudget, type AnnotationLevel } from '../report/github.ts';
import { groupBy } from '../report/group.ts';
import { newJunitBuilder } from '../report/junit.ts';
import { cell, code, codeCell, inline } from '../report/markdown.ts';
import type { Change } from './change.ts';
import type { DiffResult } from './diff.ts';
import { LEVELS, severity, type Level } from './rules.ts';

export interface DiffReport extends DiffResult {
  /** Where the two descriptions came from, as shown to people (URLs without credentials or query values). */
  base: string;
  revision: string;
  warnings: string[];
}

export type FailOn = Level | 'never';
export const FAIL_ON: readonly FailOn[] = [...LEVELS, 'never'];
export const FORMATS = ['markdown', 'json', 'junit', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** Whether a change at `level` fails the run: it is at least as severe as `failOn`. */
const fails = (level: Level, failOn: FailOn): boolean => failOn !== 'never' && severity(level) >= severity(failOn);

/** 1 when some change is at least as severe as `failOn`, else 0. */
export function exitCodeFor(changes: Change[], failOn: FailOn): number {
  return changes.some((c) => fails(c.level, failOn)) ? 1 : 0;
}

/** The JSON report: `{ base, revision, counts, rules, changes[], warnings }` (README, "JSON report"). */
export function renderJson(report: DiffReport): string {
  const { base, revision, counts, rules, changes, warnings } = report;
  return `${JSON.stringify({ base, revision, counts, rules, changes, warnings }, null, 2)}\n`;
}

const TITLES: Record<Level, string> = { breaking: 'Breaking', 'potentially-breaking': 'Potentially breaking', 'non-breaking': 'Non-breaking' };

/** Rows of one level, the same change in several operations folded into one row. */
function rows(changes: Change[]): string[] {
  const groups = new Map<string, { rule: string; message: string; operations: string[] }>();
  for (const c of changes) {
    const key = `${c.rule}\u0000${c.message}`;
    const g = groups.get(key) ?? { rule: c.rule, message: c.message, operations: [] };
    const operation = c.operation ?? '(document)';
    if (!g.operations.includes(operation)) g.operations.push(operation);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => `| ${g.operations.map(codeCell).join('<br>')} | \`${g.rule}\` | ${cell(g.message)} |`);
}

export function renderMarkdown(report: DiffReport): string {
  const { counts } = report;
  const total = LEVELS.reduce((n, l) => n + counts[l], 0);
  const lines = [
    `## API changes: ${counts.breaking} breaking, ${counts['potentially-breaking']} potentially breaking, ${counts['non-breaking']} non-breaking`,
    '',
    `Base: ${code(report.base)} → revision: ${code(report.revision)}`,
    '',
  ];
  for (const w of report.warnings) lines.push(`> ⚠️ ${inline(w)}`, '');
  if (total === 0) return [...lines, 'No changes that matter to clients.', ''].join('\n');
  lines.push('| Rule | Level | Changes |', '|---|---|---:|');
  const ruleLevels = new Map(report.changes.map((c) => [c.rule, c.level]));
  const byRule = Object.entries(report.rules).sort(([a], [b]) => severity(ruleLevels.get(b)!) - severity(ruleLevels.get(a)!) || a.localeCompare(b));
  for (const [rule, n] of byRule) lines.push(`| \`${rule}\` | ${ruleLevels.get(rule)} | ${n} |`);
  lines.push('');
  for (const level of LEVELS) {
    const of = report.changes.filter((c) => c.level === level);
    if (of.length === 0) continue;
    // Additions and renames are many; breaking changes come first and the rest fold away.
    const folded = level === 'non-breaking';
    lines.push(folded ? `<details><summary><strong>${TITLES[level]} (${of.length})</strong></summary>\n` : `### ${TITLES[level]} (${of.length})\n`);
    lines.push('| Operation | Rule | Change |', '|---|---|---|', ...rows(of), '');
    if (folded) lines.push('</details>', '');
  }
  return lines.join('\n');
}

/** One test case per operation (and one for document-level changes); it fails when a change reaches `failOn`. */
export function renderJunit(report: DiffReport, failOn: FailOn): string {
  const builder = newJunitBuilder();
  const suite = builder.testSuite().name('pass-contract diff');
  const byOperation = groupBy(report.changes, (c) => c.operation ?? '(document)');
  if (byOperation.size === 0) suite.testCase().className('diff').name('no changes');
  for (const [operation, changes] of [...byOperation].sort(([a], [b]) => a.localeCompare(b))) {
    const test = suite.testCase().className('diff').name(operation);
    const failing = changes.filter((c) => fails(c.level, failOn));
    const text = (cs: Change[]) => cs.map((c) => `${c.level} ${c.rule} ${c.pointer}: ${c.message}`).join('\n');
    if (failing.length) test.failure(text(failing), failing[0]!.level);
    test.standardOutput(text(changes));
  }
  return builder.build();
}

const COMMAND: Record<Level, AnnotationLevel> = { breaking: 'error', 'potentially-breaking': 'warning', 'non-breaking': 'notice' };

/** One annotation per change and warning, within GitHub's budget per step; past it, plain lines (this format prints nothing else). */
function renderGithub(report: DiffReport): string {
  const budget = new AnnotationBudget();
  return report.changes
    .flatMap((c) => {
      const title = `${c.rule}${c.operation ? ` ${c.operation}` : ''}`;
      const message = `${c.message} (${c.pointer})`;
      return budget.lines(COMMAND[c.level], message, { title }, `${c.level} ${title}: ${message}`);
    })
    .concat(report.warnings.flatMap((w) => budget.lines('warning', w, { title: 'pass-contract diff' }, `warning: ${w}`)))
    .join('\n');
}

export function render(report: DiffReport, format: Format, failOn: FailOn): string {
  switch (format) {
    case 'markdown': return renderMarkdown(report);
    case 'json': return renderJson(report);
    case 'junit': return renderJunit(report, failOn);
    case 'github': return renderGithub(report);
  }
}
