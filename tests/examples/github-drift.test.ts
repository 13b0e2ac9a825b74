// The CI recipe runs the check with exactly the variables the CLI reads, fails when the check did not run, and publishes the report.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV } from '../../src/contract/check.ts';
import { writeReports, type RunReport } from '../../src/contract/report.ts';
import type { CaseResult } from '../../src/contract/run.ts';
import { projectRoot } from '../../src/description/document.ts';

interface Step { name?: string; run?: string; env?: Record<string, string>; uses?: string; if?: string; with?: Record<string, unknown>; 'continue-on-error'?: unknown }
const workflow = parse(readFileSync(join(projectRoot, 'examples', 'github-drift.yml'), 'utf8'));
const steps = workflow.jobs.drift.steps as Step[];
const check = steps.find((s) => s.run?.includes('pass-contract check'))!;
/** The directory the check writes its reports to, as its command line says. */
const reportDir = /--report\s+(\S+)/.exec(check.run ?? '')?.[1];

const scratch = mkdtempSync(join(tmpdir(), 'pass-drift-recipe-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('examples/github-drift.yml', () => {
  it('runs nightly and on demand', () => {
    expect(workflow.on.schedule[0].cron).toMatch(/^\S+ \S+ \* \* \*$/);
    expect(workflow.on).toHaveProperty('workflow_dispatch');
  });

  it('runs on a Node.js line that is still supported (Node 20 reached end of life in April 2026)', () => {
    const setup = steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    const major = Number(String(setup.with?.['node-version']).split('.')[0]);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(major % 2, 'an even (LTS) line').toBe(0);
  });

  it('pins every action to a version tag', () => {
    const uses = steps.flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.length).toBeGreaterThanOrEqual(4);
    for (const u of uses) expect(u, u).toMatch(/^[\w-]+\/[\w-]+@v\d+\.\d+\.\d+$/);
  });

  it('runs the check against the target with every credential variable the CLI reads, into a fresh report directory', () => {
    expect(check.run).toContain('--target "$PASS_TARGET"');
    const needed = [ENV.softwareStatement, ENV.clientId, ENV.clientSecret, ENV.serviceProvider, ENV.mvpd];
    for (const name of needed) expect(check.env?.[name], name).toBe(`\${{ secrets.${name} }}`);
    expect(reportDir).toBeDefined();
    const lines = check.run!.trim().split('\n').map((l) => l.trim());
    expect(lines.indexOf(`rm -rf ${reportDir}`)).toBeLessThan(lines.findIndex((l) => l.includes('pass-contract check')));
    expect(lines.indexOf(`rm -rf ${reportDir}`)).toBeGreaterThanOrEqual(0);
  });

  it('hides no failure', () => {
    for (const s of steps) {
      expect(s.run ?? '', s.name).not.toMatch(/\|\|\s*(true\b|:(\s|$))|set \+e/m);
      expect(s['continue-on-error'], s.name).toBeUndefined();
    }
  });

  it('publishes junit.xml as a test report and summary.md as the step summary, and uploads the report, even on drift', () => {
    expect(workflow.permissions.checks).toBe('write');
    const report = steps.find((s) => s.uses?.startsWith('dorny/test-reporter@'))!;
    expect(report.with).toMatchObject({ path: `${reportDir}/junit.xml`, reporter: 'java-junit', 'fail-on-empty': true });
    expect(report.if).toMatch(/^always\(\)/);
    const publish = steps.find((s) => s.run?.includes('GITHUB_STEP_SUMMARY'))!;
    expect(publish.run).toContain(`${reportDir}/summary.md`);
    expect(publish.if).toMatch(/^always\(\)/);
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with).toMatchObject({ path: `${reportDir}/`, 'if-no-files-found': 'error' });
  });

  describe('the step that requires the report', () => {
    const guard = steps.find((s) => s.name === 'Require the report')!;
    const caseResult = (outcome: CaseResult['outcome']): CaseResult => ({
      id: `initiateLogout › ${outcome}`, operationId: 'initiateLogout', kind: 'example', name: outcome, outcome,
      request: { method: 'GET', path: '/api/v2/REF30/logout/Cablevision' }, status: 200, drifts: [], durationMs: 3,
    });
    const run = (report: RunReport | null) => {
      const dir = mkdtempSync(join(scratch, 'job-'));
      return (report ? writeReports(join(dir, reportDir!), report) : Promise.resolve([])).then(() =>
        spawnSync('bash', ['-eo', 'pipefail', '-c', guard.run!], { cwd: dir, encoding: 'utf8', timeout: 10_000 }));
    };
    const report = (results: CaseResult[], skipped: RunReport['skipped'] = []): RunReport =>
      ({ target: 'https://sp.auth-staging.adobe.com', mode: 'remote', startedAt: '2026-11-23T03:17:00Z', durationMs: 9, results, skipped });

    it('runs after a failed check', () => expect(guard.if).toBe('always()'));

    it('fails when the check wrote no report (a command that did nothing and exited 0)', async () => {
      const result = await run(null);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toContain(`::error::pass-contract wrote no ${reportDir}/junit.xml`);
    });

    it('fails when the check ran no case, even with every case skipped', async () => {
      const result = await run(report([], [{ id: 'initiateLogout › logoutWithEndpoint', reason: 'state-changing' }]));
      expect(result.status).not.toBe(0);
      expect(result.stdout).toContain('::error::The check ran no case');
    });

    it('passes when the check ran cases, drifted or not (drift fails the check step itself)', async () => {
      const result = await run(report([caseResult('pass'), caseResult('drift')]));
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('2 cases: 1 pass, 1 drift, 0 error, 0 skipped');
    });
  });
});
