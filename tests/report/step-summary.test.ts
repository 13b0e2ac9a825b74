// GitHub shows at most 1 MiB of a step's summary, and nothing at all of a larger one (an error
// annotation instead). Our recipes append summary.md and upstream.md to $GITHUB_STEP_SUMMARY, so
// a check against a host that drifts everywhere left the job with no summary. Markdown report
// files are now cut at a line to fit, with a last line saying how many lines were left out.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Drift } from '../../src/contract/check-response.ts';
import { writeReports, type RunReport } from '../../src/contract/report.ts';
import type { CaseResult } from '../../src/contract/results.ts';
import { fitStepSummary, STEP_SUMMARY_BYTES } from '../../src/report/markdown.ts';

const NOTE = /^> ✂️ (\d+) more lines? not shown: GitHub shows at most 1 MiB of a step's summary\. The JSON report beside this file holds every row\.$/;

describe('fitStepSummary', () => {
  it('leaves a summary that fits as it is', () => {
    const text = '## Adobe Pass contract check: no drift ✅\n\n| a | b |\n|---|---|\n';
    expect(fitStepSummary(text)).toBe(text);
  });

  it('cuts a larger one at a line, counting bytes (not characters), and says how many lines were left out', () => {
    // 20,000 lines of 60 two-byte characters: 2.4 MB, 1.2 M characters.
    const lines = Array.from({ length: 20_000 }, (_, i) => `${String(i).padStart(5, '0')} ${'é'.repeat(60)}`);
    const cut = fitStepSummary(`${lines.join('\n')}\n`);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(STEP_SUMMARY_BYTES - 16 * 1024);
    const out = cut.trimEnd().split('\n');
    const left = Number(NOTE.exec(out.at(-1)!)?.[1]);
    const kept = out.slice(0, -2);
    expect(out.at(-2)).toBe('');
    expect(kept).toEqual(lines.slice(0, kept.length));
    expect(kept.length + left).toBe(20_000);
    // Near the bound, not far under it: no more than one line's room unused.
    expect(Buffer.byteLength(cut)).toBeGreaterThan(STEP_SUMMARY_BYTES - 16 * 1024 - 200);
  });
});

describe('summary.md of a run that drifts everywhere', () => {
  it('fits a step summary; report.json keeps every row', async () => {
    const drift = (i: number, j: number): Drift => ({ rule: 'field-missing', tier: 'breaking', kind: 'body', pointer: `/logouts/mvpd${j}/url`, expected: 'present', actual: `(absent in case ${i})`, message: `required field url is absent from MVPD ${j}: ${'the host sent something else entirely here '.repeat(3)}` });
    const results: CaseResult[] = Array.from({ length: 200 }, (_, i) => ({
      id: `initiateLogout › case ${i}`, operationId: 'initiateLogout', kind: 'example', name: `case ${i}`, outcome: 'drift', tier: 'breaking',
      request: { method: 'GET', path: '/api/v2/REF30/logout' }, status: 200, contentType: 'application/json', drifts: Array.from({ length: 60 }, (_, j) => drift(i, j)), durationMs: 3,
    }));
    const report: RunReport = { runId: 'r', target: 'https://host.example', mode: 'remote', status: 'complete', failOn: 'breaking', startedAt: '2026-11-25T00:00:00.000Z', updatedAt: '2026-11-25T00:00:00.000Z', durationMs: 1, planned: 200, results, skipped: [] };
    const dir = await mkdtemp(join(tmpdir(), 'pass-step-summary-'));
    await writeReports(dir, report);
    const summary = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(STEP_SUMMARY_BYTES);
    expect(summary).toMatch(/^## Adobe Pass contract check: drift ❌ 12000 failing drift/);
    expect(summary.trimEnd().split('\n').at(-1)).toMatch(NOTE);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { results: CaseResult[] };
    expect(json.results.flatMap((r) => r.drifts)).toHaveLength(12_000);
  });
});
