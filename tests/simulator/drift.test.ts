// Proof the simulator is Adobe-shaped: `pass-contract check --target simulator` (real-host mode,
// state-changing cases included, against a fresh default-scenario simulator) finds no drift.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.ts';
import { defaultScenarioPath } from '../../src/simulator/scenario.ts';

describe('pass-contract check --target simulator', () => {
  it('runs every case, state-changing ones included, with 0 drift and 0 errors, and writes no credential to the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pass-sim-drift-'));
    const out: string[] = [];
    const io: Io = { out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`), isTTY: false, stopped: () => Promise.resolve() };
    const code = await main(['check', '--target', 'simulator', '--report', dir], io);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { mode: string; target: string; results: { id: string; outcome: string; drifts: unknown[]; error?: string }[]; skipped: unknown[] };
    expect(report.results.filter((r) => r.outcome !== 'pass').map((r) => `${r.id}: ${r.error ?? JSON.stringify(r.drifts)}`)).toEqual([]);
    expect(code).toBe(0);
    expect(report.mode).toBe('remote');
    expect(report.target).toMatch(/^simulator \(default scenario\) at http:\/\/127\.0\.0\.1:\d+$/);
    expect(report.skipped).toEqual([]);
    expect(report.results.length).toBeGreaterThan(100);
    expect(report.results.some((r) => r.id.startsWith('retrieveAuthorizationDecisions ›'))).toBe(true);
    expect(out).toContain(`${report.results.length} cases: ${report.results.length} pass, 0 drift, 0 error, 0 skipped`);
    const statement = /statement: (\S+)/.exec(readFileSync(defaultScenarioPath, 'utf8'))![1]!;
    for (const file of ['report.json', 'summary.md', 'junit.xml']) expect(readFileSync(join(dir, file), 'utf8')).not.toContain(statement);
  }, 60_000);
});
