// Benchmark: this tree's response check against an earlier commit's, each tree's bench/contract.ts in
// its own process, alternately (ABBA), as medians over the rounds. Why: loading a second checker into
// one process (BENCH_BASELINE in bench/contract.ts) moves both figures by a few hundredths, as much
// as the differences worth measuring; separate processes see the same machine state in turn.
// BENCH_BASELINE=<commit> (required) · BENCH_ROUNDS=<pairs, default 6>.
import { spawnSync } from 'node:child_process';
import { median } from './stats.ts';
import { baselineTree, repo } from './baseline-tree.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const RUN_TIMEOUT_MS = 5 * 60_000;
const OUTPUT_LIMIT = 1 << 20;
if (!process.env.BENCH_BASELINE) {
  console.error('bench/contract-ab.ts: set BENCH_BASELINE=<commit> (the tree to compare with)');
  process.exit(2);
}
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 50) {
  console.error(`bench/contract-ab.ts: BENCH_ROUNDS must be a whole number from 1 to 50, not ${process.env.BENCH_ROUNDS}`);
  process.exit(2);
}
const baseline = baselineTree(process.env.BENCH_BASELINE);
const FIGURES = { validate: /ratio validate\/parse: ([0-9.]+)/, check: /ratio whole check\/parse: ([0-9.]+)/ };
type Figures = Record<keyof typeof FIGURES, number>;

/** Runs one tree's bench/contract.ts in a child process (bounded in time and output) and reads its two ratios. */
function run(cwd: string, label: string): Figures {
  const { BENCH_BASELINE: _drop, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/contract.ts'], { cwd, env: { ...env, BENCH_BODIES_ONLY: '1' }, encoding: 'utf8', timeout: RUN_TIMEOUT_MS, maxBuffer: OUTPUT_LIMIT });
  if (r.status !== 0) throw new Error(`${label}: bench/contract.ts ${r.error ? r.error.message : `exited ${r.status}`}: ${r.stderr.slice(-500)}`);
  const read = (re: RegExp) => {
    const m = re.exec(r.stdout);
    if (!m) throw new Error(`${label}: bench/contract.ts printed no line matching ${re}`);
    return Number(m[1]);
  };
  return { validate: read(FIGURES.validate), check: read(FIGURES.check) };
}

const ours: Figures[] = [];
const theirs: Figures[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    // ABBA: the order flips every round so a drift in machine state falls on both trees alike.
    if (round % 2 === 0) {
      theirs.push(run(baseline.path, baseline.commit));
      ours.push(run(repo, 'this tree'));
    } else {
      ours.push(run(repo, 'this tree'));
      theirs.push(run(baseline.path, baseline.commit));
    }
    const a = theirs.at(-1)!;
    const b = ours.at(-1)!;
    console.log(`round ${round + 1}: whole check/parse ${baseline.commit} ${a.check.toFixed(3)} · this tree ${b.check.toFixed(3)}; validate/parse ${a.validate.toFixed(3)} · ${b.validate.toFixed(3)}`);
  }
} finally {
  baseline.remove();
}
const lower = (k: keyof Figures) => ours.filter((o, i) => o[k] < theirs[i]![k]).length;
for (const k of ['check', 'validate'] as const) {
  const a = median(theirs.map((f) => f[k]));
  const b = median(ours.map((f) => f[k]));
  console.log(`${k === 'check' ? 'whole check' : 'validate alone'}/parse, median of ${ROUNDS}: ${baseline.commit} ${a.toFixed(3)} · this tree ${b.toFixed(3)} (ratio ${(b / a).toFixed(3)}; this tree lower in ${lower(k)} of ${ROUNDS} rounds)`);
}
