// Writes a run's drift report: junit.xml for CI, summary.md for humans, report.json for tools.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import junitModule, { type Builder } from 'junit-report-builder';
import type { CaseResult } from './run.ts';

export interface RunReport {
  target: string;
  mode: 'mock' | 'remote' | 'proxy';
  startedAt: string;
  durationMs: number;
  results: CaseResult[];
  /** Cases not sent, with the reason (e.g. state-changing against a real host). */
  skipped: { id: string; reason: string }[];
}

export interface Counts { cases: number; pass: number; drift: number; error: number; skipped: number }

export function countResults(report: RunReport): Counts {
  const n = (o: CaseResult['outcome']) => report.results.filter((r) => r.outcome === o).length;
  return { cases: report.results.length, pass: n('pass'), drift: n('drift'), error: n('error'), skipped: report.skipped.length };
}

// The package's types declare an ES default export; at run time module.exports is the builder itself.
const junit = junitModule as unknown as Builder;

const SENSITIVE_KEYS = /^(authorization|access_token|client_secret|software_statement|serializedtoken|ad-service-token|adobe-subject-token|x-roku-reserved-roku-connect-token|samlresponse)$/i;
const REDACTED = '[redacted]';

/** A deep copy with every secret value, and every value under a sensitive key, replaced. */
export function redact<T>(value: T, secrets: string[]): T {
  const usable = secrets.filter((s) => s && s.length >= 4).sort((a, b) => b.length - a.length);
  const scrub = (v: unknown, key?: string): unknown => {
    if (key && SENSITIVE_KEYS.test(key) && v !== undefined) return REDACTED;
    if (typeof v === 'string') return usable.reduce((s, secret) => s.split(secret).join(REDACTED), v);
    if (Array.isArray(v)) return v.map((x) => scrub(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x, k)]));
    return v;
  };
  return scrub(value) as T;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderSummary(report: RunReport): string {
  const c = countResults(report);
  const ok = c.drift === 0 && c.error === 0;
  const lines = [
    `## Adobe Pass contract check: ${ok ? 'no drift ✅' : `${c.drift} drifted, ${c.error} failed to run ❌`}`,
    '',
    `Target: ${report.target} · ${c.cases} cases · ${c.pass} pass · ${c.drift} drift · ${c.error} error · ${c.skipped} skipped · ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    '| Operation | Status | Cases | Pass | Drift | Error |',
    '|---|---|---:|---:|---:|---:|',
  ];
  const rows = new Map<string, CaseResult[]>();
  for (const r of report.results) {
    const key = `${r.operationId}\u0000${r.status ?? 'no response'}`;
    rows.set(key, [...(rows.get(key) ?? []), r]);
  }
  for (const [key, rs] of rows) {
    const [op, status] = key.split('\u0000');
    const n = (o: CaseResult['outcome']) => rs.filter((r) => r.outcome === o).length;
    lines.push(`| \`${op}\` | ${status} | ${rs.length} | ${n('pass')} | ${n('drift')} | ${n('error')} |`);
  }
  const drifted = report.results.filter((r) => r.outcome !== 'pass');
  if (drifted.length > 0) {
    lines.push('', '### Drift', '');
    for (const r of drifted) {
      lines.push(`#### ${cell(r.id)}`, '', `\`${r.request.method} ${r.request.path}\` → ${r.status ?? 'no response'}${r.error ? `: ${cell(r.error)}` : ''}`, '');
      if (r.drifts.length > 0) {
        lines.push('| Where | Expected | Actual |', '|---|---|---|');
        for (const d of r.drifts) lines.push(`| \`${d.pointer || '(response)'}\` ${d.kind} | ${cell(d.expected)} | ${cell(d.actual)} |`);
        lines.push('');
      }
    }
  }
  if (report.skipped.length > 0) lines.push('', `<details><summary>${report.skipped.length} skipped</summary>`, '', ...report.skipped.map((s) => `- ${cell(s.id)}: ${cell(s.reason)}`), '', '</details>');
  return `${lines.join('\n')}\n`;
}

export function renderJunit(report: RunReport): string {
  const builder = junit.newBuilder();
  const suites = new Map<string, ReturnType<typeof builder.testSuite>>();
  for (const r of report.results) {
    let suite = suites.get(r.operationId);
    if (!suite) {
      suite = builder.testSuite().name(r.operationId);
      suites.set(r.operationId, suite);
    }
    const test = suite.testCase().className(r.operationId).name(r.name).time(r.durationMs / 1000);
    if (r.outcome === 'drift') test.failure(r.drifts.map((d) => `${d.kind} ${d.pointer || '(response)'}: expected ${d.expected}, got ${d.actual}`).join('\n'), 'drift');
    if (r.outcome === 'error') test.error(r.error ?? 'error', 'connection');
  }
  for (const s of report.skipped) {
    const [op = 'skipped', ...rest] = s.id.split(' › ');
    (suites.get(op) ?? builder.testSuite().name(op)).testCase().className(op).name(rest.join(' › ')).skipped();
  }
  return builder.build();
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, 'utf8');
  await rename(temp, path);
}

/** Writes the three files into `dir` (created if needed), redacting `secrets`; returns their paths. */
export async function writeReports(dir: string, report: RunReport, secrets: string[] = []): Promise<string[]> {
  const safe = redact(report, secrets);
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ['junit.xml', renderJunit(safe)],
    ['summary.md', renderSummary(safe)],
    ['report.json', `${JSON.stringify({ ...safe, counts: countResults(safe) }, null, 2)}\n`],
  ];
  for (const [name, text] of files) await writeAtomically(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
