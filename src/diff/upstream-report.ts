// Runs the upstream comparison (Adobe's published files vs ours, waivers applied) and renders it.
import { basename } from 'node:path';
import { writeReportFiles } from '../report/files.ts';
import { groupBy } from '../report/group.ts';
import { cell, code, codeCell, inline } from '../report/markdown.ts';
import { load, type Source } from './index.ts';
import { describeSource, type LoadOptions } from './load.ts';
import { compareUpstream, type Finding, type UpstreamComparison } from './upstream.ts';
import { applyWaivers, type Waiver } from './waivers.ts';

export interface UpstreamReport {
  sources: UpstreamComparison['sources'];
  ours: string;
  counts: { new: number; waived: number; stale: number };
  findings: (Finding & { waiver?: Waiver })[];
  stale: Waiver[];
  notCompared: string[];
  warnings: string[];
}

export async function runUpstream(adobe: Source[], ours: Source, waivers: Waiver[], options: LoadOptions = {}): Promise<UpstreamReport> {
  const [mine, ...theirs] = await Promise.all([load(ours, options), ...adobe.map((s) => load(s, options))]);
  const names = adobe.map((s) => basename(describeSource(typeof s === 'string' ? s : s.location)));
  const comparison = compareUpstream(theirs.map((t, i) => ({ document: t!.document, name: names[i]! })), mine!.document);
  const { findings, stale } = applyWaivers(comparison.findings, waivers);
  const fresh = findings.filter((f) => !f.waiver).length;
  return {
    sources: comparison.sources,
    ours: describeSource(typeof ours === 'string' ? ours : ours.location),
    counts: { new: fresh, waived: findings.length - fresh, stale: stale.length },
    findings,
    stale,
    notCompared: comparison.notCompared,
    warnings: [mine!, ...theirs].flatMap((l) => l!.warnings),
  };
}

export const renderUpstreamJson = (r: UpstreamReport): string => `${JSON.stringify(r, null, 2)}\n`;

const row = (f: Finding) => `| ${f.side} | ${f.kind} | ${codeCell(f.operation)} | ${f.where ? codeCell(f.where) : ''} |`;

export function renderUpstreamMarkdown(r: UpstreamReport): string {
  const fresh = r.findings.filter((f) => !f.waiver);
  const waived = r.findings.filter((f) => f.waiver);
  const lines = [
    `## Adobe's published OpenAPI vs ours: ${r.counts.new === 0 ? 'nothing new ✅' : `${r.counts.new} new difference${r.counts.new === 1 ? '' : 's'} ❌`}`,
    '',
    `Ours: ${code(r.ours)} · ${r.counts.waived} known difference${r.counts.waived === 1 ? '' : 's'} waived · ${r.counts.stale} stale waiver${r.counts.stale === 1 ? '' : 's'}`,
    '',
    '| Adobe file | Base path | Operations | Matched ours |',
    '|---|---|---:|---:|',
    ...r.sources.map((s) => `| ${cell(s.name)} | \`${s.basePath || '/'}\` | ${s.operations} | ${s.matched} |`),
    '',
  ];
  for (const w of r.warnings) lines.push(`> ⚠️ ${inline(w)}`, '');
  if (fresh.length) {
    lines.push(`### New: not in the waiver list (${fresh.length})`, '', '| Side | Kind | Operation | Where |', '|---|---|---|---|', ...fresh.map(row), '');
    lines.push('Add what we lack to the description (and ERRATA.md where Adobe\'s sources disagree), or waive it in `openapi/UPSTREAM-WAIVERS.yaml` with why.', '');
  }
  if (r.stale.length) {
    lines.push(`### Stale waivers: they match nothing any more (${r.stale.length})`, '', ...r.stale.map((w) => `- ${code(w.what)} — ${inline(w.why)}`), '');
  }
  if (waived.length) {
    // One row per waiver: what it matches, how many findings, why.
    const byWaiver = groupBy(waived, (f) => f.waiver!);
    lines.push(`<details><summary><strong>Waived (${waived.length})</strong></summary>`, '', '| Waiver | Findings | Why |', '|---|---:|---|');
    for (const [w, fs] of byWaiver) lines.push(`| ${codeCell(w.what)} | ${fs.length} | ${cell(w.why)}${w.errata ? ` (ERRATA ${w.errata.join(', ')})` : ''} |`);
    lines.push('', '</details>', '');
  }
  lines.push('### Not compared', '', ...r.notCompared.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

/** Writes upstream.md and upstream.json into `dir`, each whole or not at all (`writeReportFiles`); returns their paths. */
export function writeUpstreamReports(dir: string, report: UpstreamReport): Promise<string[]> {
  return writeReportFiles(dir, [['upstream.md', renderUpstreamMarkdown(report)], ['upstream.json', renderUpstreamJson(report)]]);
}
