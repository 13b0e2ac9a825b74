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
    const io: Io = { out: (l) => out.push(l), err: (l) => out.push(`ERR ${l}`), isTTY: false, stopped: () => new Promise<void>(() => {}) }; // never asked to stop (Ctrl-C would cancel the run)
    const code = await main(['check', '--target', 'simulator', '--report', dir], io);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { mode: string; target: string; status: string; results: { id: string; outcome: string; drifts: unknown[]; error?: string }[]; skipped: { id: string; reason: string }[] };
    expect(report.results.filter((r) => r.outcome !== 'pass').map((r) => `${r.id}: ${r.error ?? JSON.stringify(r.drifts)}`)).toEqual([]);
    expect(code).toBe(0);
    expect(report.mode).toBe('remote');
    expect(report.target).toMatch(/^simulator \(default scenario\) at http:\/\/127\.0\.0\.1:\d+$/);
    expect(report.status).toBe('complete');
    // Only the documented DCR samples are skipped: the run's own registration and token request replace them (and are checked).
    expect(report.skipped.map((c) => c.reason)).toEqual(report.skipped.map(() => "replaced by this run's own registration and token request"));
    expect(report.skipped.every((c) => /^retrieve(ClientCredentials|AccessToken) ›/.test(c.id))).toBe(true);
    expect(report.results.filter((r) => /^retrieve(ClientCredentials|AccessToken) ›/.test(r.id)).length).toBeGreaterThanOrEqual(2);
    expect(report.results.length).toBeGreaterThan(100);
    expect(report.results.some((r) => r.id.startsWith('retrieveAuthorizationDecisions ›'))).toBe(true);
    expect(out).toContain(`${report.results.length} results: ${report.results.length} pass, 0 breaking, 0 additions, 0 notes, 0 accepted, 0 errors, 0 not checked, ${report.skipped.length} skipped`);
    const statement = /statement: (\S+)/.exec(readFileSync(defaultScenarioPath, 'utf8'))![1]!;
    for (const file of ['report.json', 'summary.md', 'junit.xml']) expect(readFileSync(join(dir, file), 'utf8')).not.toContain(statement);
  }, 60_000);
});
