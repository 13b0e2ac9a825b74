// The report: three files with one run id, written from the first case on, atomically; a killed
// run leaves a report that says it did not finish; bad report directories and empty runs exit 2.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/contract/check.ts';
import { RULES } from '../../src/contract/rules.ts';
import { projectRoot } from '../../src/description/document.ts';
import { startFakeAdobe } from '../support/fake-adobe/index.ts';
import { checkAgainst, description, ENV, STATEMENT } from './support.ts';

const tmp = () => mkdtemp(join(tmpdir(), 'pass-report-'));

describe('report files', () => {
  it('share one run id, and only the three files are left (no temp files)', async () => {
    const r = await checkAgainst({}, { operations: ['retrieveConfiguration'] });
    expect((await readdir(r.dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
    const files = await r.files();
    const runId = r.result.report.runId;
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(files['report.json']!).runId).toBe(runId);
    expect(files['summary.md']).toContain(`Run \`${runId}\``);
    expect(files['junit.xml']).toContain(`<property name="runId" value="${runId}"/>`);
  });

  it('tiers and rule ids appear in all three files', async () => {
    const r = await checkAgainst({ inject: { retrieveConfiguration: { drift: (a) => (a.status === 200 ? { ...a, body: { ...(a.body as object), colour: 'web', device: 3 } } : a) } } }, { operations: ['retrieveConfiguration'] });
    const files = await r.files();
    const json = JSON.parse(files['report.json']!);
    const drifts = json.results.flatMap((x: { drifts: { tier: string; rule: string; pointer: string }[] }) => x.drifts);
    expect(drifts).toEqual(expect.arrayContaining([expect.objectContaining({ tier: 'breaking', rule: 'field-type', pointer: '/device' }), expect.objectContaining({ tier: 'addition', rule: 'field-undocumented', pointer: '/colour' })]));
    expect(files['summary.md']).toMatch(/### ❌ Breaking drift[\s\S]*\| `\/device` \| `field-type` \|/);
    expect(files['summary.md']).toMatch(/### ⚠️ Additions[\s\S]*\| `retrieveConfiguration` \| `\/colour` \| `field-undocumented` \|/);
    expect(files['junit.xml']).toContain('[breaking field-type] /device');
    expect(files['junit.xml']).toContain('[addition field-undocumented] /colour');
  });

  it('every rule the check can report is in the README\'s tier table, at its tier, and nothing else is', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('**What a drift is.**'), readme.indexOf('One row per real violation'));
    const listed = Object.fromEntries(
      // Each row: | `tier` | meaning | `rule` (remark), `rule`, … |
      [...table.matchAll(/^\| `(\w+)` \|[^|]*\|(.*)\|$/gm)].flatMap(([, tier, rules]) => [...rules!.replace(/\([^)]*\)/g, '').matchAll(/`([a-z][a-z0-9-]*)`/g)].map(([, rule]) => [rule!, tier!])),
    );
    expect(Object.keys(listed).length).toBeGreaterThan(10);
    expect(listed).toEqual(Object.fromEntries(Object.entries(RULES).map(([rule, r]) => [rule, r.tier])));
  });

  it('a run that checked nothing exits 2', async () => {
    // Every case of initiateLogout changes state: against a real host they are all skipped.
    const r = await checkAgainst({}, { operations: ['initiateLogout'] });
    expect(r.result.counts.checked).toBe(0);
    expect(r.result.exitCode).toBe(2);
    expect(r.result.verdict.headline).toMatch(/^nothing checked/);
  });

  // Before, both ran and rewrote the directory in turns: it could end with one run's junit.xml
  // beside the other's report.json.
  it('a second run on the same directory is refused before it sends anything; the first run keeps it, and lets it go at the end', async () => {
    const first = await startFakeAdobe({ throttle: false, softwareStatement: STATEMENT, inject: { retrieveConfiguration: { fault: 'hang' } } });
    const second = await startFakeAdobe({ throttle: false, softwareStatement: STATEMENT });
    const stop = new AbortController();
    try {
      const dir = await tmp();
      const running = runCheck({ target: first.baseUrl, reportDir: dir, env: ENV, description, driftFile: false, operations: ['retrieveConfiguration'], signal: stop.signal, requestTimeoutMs: 60_000 });
      // The first run has started once its hanging request arrived.
      while (!first.received.some((r) => r.path.endsWith('/configuration'))) await new Promise((r) => setTimeout(r, 10));
      await expect(runCheck({ target: second.baseUrl, reportDir: dir, env: ENV, description, driftFile: false })).rejects.toThrow(
        `--report ${dir}: process ${process.pid} on ${hostname()} writes its reports there (it holds ${join(dir, '.pass-contract.lock')}); give this run another directory`,
      );
      expect(second.received).toEqual([]);
      stop.abort();
      const result = await running;
      expect(result.report.status).toBe('interrupted');
      expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
      expect(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')).runId).toBe(result.report.runId);
      // Let go: the next run on the directory goes ahead.
      expect((await runCheck({ target: second.baseUrl, reportDir: dir, env: ENV, description, driftFile: false, operations: ['retrieveConfiguration'] })).report.status).toBe('complete');
    } finally {
      stop.abort();
      await first.close();
      await second.close();
    }
  });

  it('the report directory is checked before anything is sent', async () => {
    const host = await startFakeAdobe({ throttle: false });
    try {
      const file = join(await tmp(), 'a-file');
      await writeFile(file, 'x');
      await expect(runCheck({ target: host.baseUrl, reportDir: file, env: ENV, description, driftFile: false })).rejects.toThrow(/--report .*a-file cannot hold the report: a file is in the way/);
      await expect(runCheck({ target: host.baseUrl, reportDir: join(file, 'sub'), env: ENV, description, driftFile: false })).rejects.toThrow(/cannot hold the report/);
      // Under /proc, where Node's own recursive mkdir spins forever: a clear answer instead.
      await expect(runCheck({ target: host.baseUrl, reportDir: '/proc/pass-contract-report/sub', env: ENV, description, driftFile: false })).rejects.toThrow(/--report \/proc\/pass-contract-report\/sub cannot hold the report: (ENOENT|EACCES|EPERM)/);
      expect(host.received).toEqual([]);
    } finally {
      await host.close();
    }
  });
});

describe('a killed run', () => {
  it('leaves a report that says it did not finish, with the results so far', async () => {
    const host = await startFakeAdobe({ throttle: false, softwareStatement: STATEMENT, inject: { retrieveProfiles: { fault: 'hang' } } });
    const dir = await tmp();
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/bin.ts'), 'check', '--target', host.baseUrl, '--report', dir, '--rate', '1000', '--request-timeout', '600', '-o', 'retrieveConfiguration', 'retrieveProfiles'], {
      cwd: projectRoot, env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      // Wait until the host holds the hanging request: the configuration cases are reported by then.
      for (let i = 0; i < 200 && host.count('retrieveProfiles') === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(host.count('retrieveProfiles')).toBe(1);
      // Until a write of the configuration cases is down (a loaded machine takes more than the
      // writer's 200 ms to write three files).
      const written = async () => JSON.parse(await readFile(join(dir, 'report.json'), 'utf8').catch(() => '{"results":[]}')) as { status?: string; results: unknown[] };
      for (let i = 0; i < 200 && (await written()).results.length <= 2; i++) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // The run's hold on the directory outlives it (no exit handler runs on kill -9), and so does
      // the temp file of a write the kill cut short, if one was under way.
      const files = (await readdir(dir)).filter((f) => !/^\.(junit\.xml|summary\.md|report\.json)\..+\.tmp$/.test(f));
      expect(files.sort()).toEqual(['.pass-contract.lock', 'junit.xml', 'report.json', 'summary.md']);
      const json = await written();
      expect(json.status).toBe('running');
      expect(json.results.length).toBeGreaterThan(2);
      expect(await readFile(join(dir, 'summary.md'), 'utf8')).toMatch(/^## Adobe Pass contract check: incomplete ⏳ the run has not finished .* if it is not running any more, it was killed/);
      expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toContain('run running');
      // The next run on this host takes the dead run's hold over at once, removes any temp file, and lets the hold go at its end.
      const next = await runCheck({ target: host.baseUrl, reportDir: dir, env: ENV, description, driftFile: false, operations: ['retrieveConfiguration'], pace: { ratePerSecond: 1000 } });
      expect(next.report.status).toBe('complete');
      expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
    } finally {
      child.kill('SIGKILL');
      await host.close();
    }
  }, 30_000);
});

it('a report directory removed during a check is made and taken again: the final report holds every case, and the lock is let go', async () => {
  // Before: every write after the removal failed with ENOENT, and the run ended with exit 2 and no report.
  const dir = join(await mkdtemp(join(tmpdir(), 'pass-report-removed-')), 'reports');
  const host = await startFakeAdobe({ softwareStatement: STATEMENT, description, throttle: false });
  let removed = false;
  const result = await runCheck({ target: host.baseUrl, reportDir: dir, env: ENV, description, driftFile: false, pace: { ratePerSecond: 1000 }, operations: ['retrieveConfiguration'], onResult: () => {
    if (removed) return;
    removed = true;
    rmSync(dir, { recursive: true, force: true });
  } }).finally(() => host.close());
  expect(removed).toBe(true);
  expect(result.exitCode).toBe(0);
  const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { status: string; planned: number; results: { kind: string }[] };
  expect(report.status).toBe('complete');
  // Every case (the run's own DCR exchanges besides).
  expect(report.results.filter((r) => r.kind !== 'dcr')).toHaveLength(report.planned);
  expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
});
