// Benchmark: `npm start` wall time and mock cold start, "today's" (the baseline commit) vs this tree,
// side by side in one run: a warm-up of each, then alternating rounds, medians and ratios.
//
// The baseline is checked out beside this tree by `baseline-tree.ts` (it needs nothing this tree's
// node_modules lack), and removed afterwards, also on Ctrl-C.
// - npm start: spawn of `npm start` to its exit (the check against the embedded mock, 0 drift).
// - mock cold start: spawn of `npm run mock -- --port 0` to the first successful (200) response of
//   retrieveConfiguration, sent with the documented request sample's headers.
import { median } from './stats.ts';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseEntry } from '../scripts/launcher.mjs';
import { baselineTree, git, repo, type BaselineTree } from './baseline-tree.ts';

const BASELINE = process.env.BENCH_BASELINE ?? '46b36b5';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const STEP_TIMEOUT_MS = 60_000;

/** The request the mock must answer with 200: retrieveConfiguration's documented sample. */
function configurationRequest(): { path: string; headers: Record<string, string> } {
  const doc = JSON.parse(readFileSync(join(repo, 'generated/openapi.json'), 'utf8'));
  const op = doc.paths['/api/v2/{serviceProvider}/configuration'].get;
  const sample = Object.values(op['x-request-examples'] as Record<string, { path: Record<string, string>; headers: Record<string, string> }>)[0]!;
  return { path: `/api/v2/${encodeURIComponent(sample.path.serviceProvider!)}/configuration`, headers: sample.headers };
}

const children = new Set<ChildProcess>();
function killGroup(child: ChildProcess): void {
  // npm → sh → node: the whole process group started here (detached), and nothing else.
  if (child.pid !== undefined && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

function run(cwd: string, args: string[]): ChildProcess {
  const child = spawn('npm', args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' } });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function timeStart(cwd: string, reportDir: string): Promise<number> {
  const t0 = performance.now();
  const child = run(cwd, ['start', '--silent', '--', '--report', reportDir]);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => void (err += d));
  child.stdout!.resume();
  const timer = setTimeout(() => killGroup(child), STEP_TIMEOUT_MS);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`npm start in ${cwd} exited ${code}: ${err.slice(-500)}`);
  return ms;
}

async function timeMock(cwd: string, request: { path: string; headers: Record<string, string> }): Promise<number> {
  const t0 = performance.now();
  const child = run(cwd, ['run', '--silent', 'mock', '--', '--port', '0']);
  const deadline = setTimeout(() => killGroup(child), STEP_TIMEOUT_MS);
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolveUrl(m[1]!);
      });
      child.stderr!.resume();
      child.once('exit', (code) => reject(new Error(`mock in ${cwd} exited ${code} before listening`)));
    });
    const response = await fetch(url + request.path, { headers: request.headers, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    const ms = performance.now() - t0;
    if (response.status !== 200) throw new Error(`mock in ${cwd} answered ${response.status}`);
    return ms;
  } finally {
    clearTimeout(deadline);
    killGroup(child);
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }
}


const scratch = mkdtempSync(join(tmpdir(), 'pass-bench-startup-'));
let baseline: BaselineTree | undefined;
const cleanup = () => {
  for (const child of children) killGroup(child);
  baseline?.remove();
  rmSync(scratch, { recursive: true, force: true });
};
// Registered before baseline-tree.ts registers its own, so the children are stopped first.
process.once('SIGINT', () => {
  cleanup();
  process.exit(130);
});

try {
  // `npm start` here runs dist/ when it is fresh (scripts/run.mjs), as after `npm ci`; build it if not.
  const entry = chooseEntry(repo);
  if (entry.kind === 'src') {
    console.log(`building dist/ first: ${entry.reason}`);
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit', timeout: 5 * STEP_TIMEOUT_MS });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  baseline = baselineTree(BASELINE);
  const request = configurationRequest();
  const trees = [
    { name: `baseline ${baseline.commit}`, cwd: baseline.path, start: [] as number[], mock: [] as number[] },
    { name: `this tree (${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '+changes' : ''})`, cwd: repo, start: [] as number[], mock: [] as number[] },
  ];
  const reports = join(scratch, 'reports');

  console.log(`warm-up (1 round each), then ${ROUNDS} alternating rounds…`);
  for (const t of trees) {
    await timeStart(t.cwd, reports);
    await timeMock(t.cwd, request);
  }
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which tree goes first, so drift in machine load hits both alike.
    for (const t of round % 2 ? [...trees].reverse() : trees) {
      t.start.push(await timeStart(t.cwd, reports));
      t.mock.push(await timeMock(t.cwd, request));
    }
  }

  const fmt = (xs: number[]) => `${median(xs).toFixed(0).padStart(5)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
  for (const t of trees) {
    console.log(`${t.name}`);
    console.log(`  npm start (check vs embedded mock): ${fmt(t.start)}`);
    console.log(`  mock cold start (to first 200):     ${fmt(t.mock)}`);
  }
  const [base, ours] = trees as [(typeof trees)[0], (typeof trees)[0]];
  console.log(`ratio npm start:       ${(median(ours.start) / median(base.start)).toFixed(3)} (goal ≤ 0.6)`);
  console.log(`ratio mock cold start: ${(median(ours.mock) / median(base.mock)).toFixed(3)} (goal ≤ 0.6)`);
} finally {
  cleanup();
}
