// The Adobe upstream recipe: its steps run for real in bash, against a loopback host serving the files, with
// `npx` running this repository's CLI and a fake `gh` recording what the job would do on GitHub.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ADOBE_PUBLISHED } from '../../src/cli/commands/upstream.ts';
import { projectRoot } from '../../src/description/document.ts';
import { startSpecHost, type SpecHost } from '../diff/support/spec-host.ts';

interface Step { name?: string; id?: string; run?: string; env?: Record<string, string>; uses?: string; if?: string; with?: Record<string, unknown>; 'continue-on-error'?: unknown }
const workflow = parse(readFileSync(join(projectRoot, 'examples', 'adobe-upstream.yml'), 'utf8'));
const steps = workflow.jobs.upstream.steps as Step[];
const named = (name: string) => steps.find((s) => s.name === name)!;
const compare = named("Compare Adobe's published files with ours");

const scratch = mkdtempSync(join(tmpdir(), 'adobe-upstream-recipe-'));
const bin = join(scratch, 'bin');
let host: SpecHost;

beforeAll(async () => {
  spawnSync('mkdir', ['-p', bin]);
  // `npx pass-contract …` runs this repository's CLI; `gh` records its arguments and plays GitHub.
  writeFileSync(join(bin, 'npx'), `#!/bin/sh\n[ "$1" = pass-contract ] && shift\nexec "${join(projectRoot, 'node_modules', '.bin', 'tsx')}" "${join(projectRoot, 'src', 'cli', 'bin.ts')}" "$@"\n`);
  writeFileSync(join(bin, 'gh'), '#!/bin/sh\necho "$@" >> "$GH_LOG"\nif [ "$1 $2" = "issue list" ]; then echo "$FAKE_OPEN_ISSUE"; fi\n');
  for (const f of ['npx', 'gh']) chmodSync(join(bin, f), 0o755);
  const adobe = (name: string) => join(projectRoot, 'reference', 'adobe-openapi', '2025-10-23-3dd8ab2', name);
  host = await startSpecHost({
    '/ours.json': join(projectRoot, 'generated', 'openapi.json'),
    '/synthetic.json': join(projectRoot, 'tests', 'diff', 'fixtures', 'upstream', 'adobe.json'),
    '/dcrApi.json': adobe('dcrApi.json'),
  });
});
afterAll(async () => {
  await host.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs a script in bash without blocking this process (the loopback host lives in it). */
function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-c', script], { cwd, env, timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs the job's steps as GitHub would (the `if:`s this recipe uses), returning each step's exit code. */
async function runJob(urls: { rest: string; dcr: string }, openIssue = '') {
  const dir = mkdtempSync(join(scratch, 'job-'));
  const env = {
    ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_REPOSITORY: 'owner/repo', GH_LOG: join(dir, 'gh.log'), FAKE_OPEN_ISSUE: openIssue,
  };
  writeFileSync(env.GITHUB_OUTPUT, '');
  const exec = (step: Step, extra: Record<string, string> = {}) => bash(step.run!, dir, { ...env, ...step.env, ...extra });
  const result = { compare: await exec(compare, { ADOBE_REST_V2: urls.rest, ADOBE_DCR: urls.dcr }), issue: undefined as number | undefined, fail: undefined as number | undefined };
  const status = /status=(\d+)/.exec(readFileSync(env.GITHUB_OUTPUT, 'utf8'))?.[1];
  if (status === '1') {
    result.issue = (await exec(named('Open or update the issue'))).status ?? undefined;
    result.fail = (await exec(named('Fail when something new appeared'))).status ?? undefined;
  }
  const gh = existsSync(env.GH_LOG) ? readFileSync(env.GH_LOG, 'utf8').trim().split('\n') : [];
  return { ...result, status, gh, dir };
}

describe('examples/adobe-upstream.yml', () => {
  it("runs weekly and on demand against Adobe's published files, on a supported Node, actions pinned", () => {
    expect(workflow.on.schedule[0].cron).toMatch(/^\S+ \S+ \* \* \d$/);
    expect(workflow.on).toHaveProperty('workflow_dispatch');
    expect([compare.env!.ADOBE_REST_V2, compare.env!.ADOBE_DCR]).toEqual(ADOBE_PUBLISHED);
    expect(ADOBE_PUBLISHED).toEqual(['https://raw.githubusercontent.com/AdobeDocs/adobe-pass/main/static/restApiV2.json', 'https://raw.githubusercontent.com/AdobeDocs/adobe-pass/main/static/dcrApi.json']);
    const setup = steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    expect(Number(setup.with?.['node-version']) % 2).toBe(0);
    expect(Number(setup.with?.['node-version'])).toBeGreaterThanOrEqual(22);
    for (const s of steps) if (s.uses) expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+\.\d+\.\d+$/);
    expect(workflow.permissions).toEqual({ contents: 'read', issues: 'write' });
    for (const s of steps) expect(s['continue-on-error'], s.name).toBeUndefined();
  });

  it('opens an issue with the report and fails when something new appears', async () => {
    const job = await runJob({ rest: `${host.url}/synthetic.json`, dcr: `${host.url}/dcrApi.json` });
    expect(job.compare.status, job.compare.stderr).toBe(0);
    expect(job.status).toBe('1');
    expect(job.gh).toEqual([
      `issue list --repo owner/repo --state open --search in:title "Adobe's published OpenAPI: differences not in UPSTREAM-WAIVERS.yaml" --json number --jq .[0].number // empty`,
      `issue create --repo owner/repo --title Adobe's published OpenAPI: differences not in UPSTREAM-WAIVERS.yaml --body-file upstream-report/upstream.md`,
    ]);
    expect(job.issue).toBe(0);
    expect(job.fail).toBe(1);
    expect(readFileSync(join(job.dir, 'upstream-report', 'upstream.md'), 'utf8')).toMatch(/adobe-only \| operation \| `POST \/api\/v2\/\{serviceProvider\}\/things\/\{code\}`/);
    expect(host.received.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('comments on the open issue instead of opening another', async () => {
    const job = await runJob({ rest: `${host.url}/synthetic.json`, dcr: `${host.url}/dcrApi.json` }, '42');
    expect(job.gh[1]).toBe('issue comment 42 --repo owner/repo --body-file upstream-report/upstream.md');
    expect(job.fail).toBe(1);
  });

  it('stays green and quiet when nothing is new', async () => {
    const job = await runJob({ rest: `${host.url}/ours.json`, dcr: `${host.url}/ours.json` });
    expect(job.compare.status, job.compare.stderr).toBe(0);
    expect(job.status).toBe('0');
    expect(job.gh).toEqual([]);
  });

  it('fails without an issue when a file cannot be fetched', async () => {
    const job = await runJob({ rest: `${host.url}/gone.json`, dcr: `${host.url}/dcrApi.json` });
    expect(job.compare.status).toBe(2);
    expect(job.compare.stderr).toMatch(/\/gone\.json: HTTP 404/);
    expect(job.gh).toEqual([]);
  });
});
