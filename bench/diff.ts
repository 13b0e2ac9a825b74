// Benchmark: diffing two versions of Adobe's published files (and our description against its release),
// split into parse, $ref resolution and comparison. Medians after a warm-up, ratios measured in this one run.
import { median } from './stats.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/description/document.ts';
import { diffDocuments } from '../src/diff/diff.ts';
import { runDiff } from '../src/diff/index.ts';
import { resolveDocument } from '../src/diff/load.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const adobe = (version: string, file: string) => join(projectRoot, 'reference', 'adobe-openapi', version, file);

/** Median time of `fn` over ROUNDS runs, after WARMUP runs. */
async function timed(fn: () => unknown): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

const pairs: [string, string, string][] = [
  ['2024-06-27-65958fe', '2024-10-24-159b63c', 'restApiV2.json'],
  ['2024-10-24-159b63c', '2025-10-23-3dd8ab2', 'restApiV2.json'],
  ['2024-06-27-65958fe', '2025-10-23-3dd8ab2', 'restApiV2.json'],
  ['2024-10-24-159b63c', '2025-10-23-3dd8ab2', 'dcrApi.json'],
];
console.log(`medians of ${ROUNDS} runs after ${WARMUP} warm-up runs (ms)`);
// The first call of the process: what one `pass-contract diff` pays before V8 has optimised anything.
const t0 = performance.now();
await runDiff(adobe(pairs[1]![0], pairs[1]![2]), adobe(pairs[1]![1], pairs[1]![2]));
console.log(`cold: first diff in this process (${pairs[1]![0].slice(0, 10)} → ${pairs[1]![1].slice(0, 10)} restApiV2.json, files to report): ${(performance.now() - t0).toFixed(1)} ms`);
console.log('pair                                              bytes   parse  resolve    diff   whole  whole/parse');
for (const [a, b, file] of pairs) {
  const texts = [readFileSync(adobe(a, file), 'utf8'), readFileSync(adobe(b, file), 'utf8')];
  const parsed = texts.map((t) => JSON.parse(t) as unknown);
  const resolved = await Promise.all(parsed.map((p, i) => resolveDocument(p, adobe(i ? b : a, file))));
  const parse = await timed(() => texts.map((t) => JSON.parse(t)));
  const resolve = await timed(() => Promise.all(parsed.map((p, i) => resolveDocument(p, adobe(i ? b : a, file)))));
  const diff = await timed(() => diffDocuments(resolved[0]!.document, resolved[1]!.document));
  const whole = await timed(() => runDiff(adobe(a, file), adobe(b, file)));
  const name = `${a.slice(0, 10)} → ${b.slice(0, 10)} ${file}`;
  console.log(`${name.padEnd(48)} ${String(texts[0]!.length + texts[1]!.length).padStart(7)} ${parse.toFixed(2).padStart(7)} ${resolve.toFixed(2).padStart(8)} ${diff.toFixed(2).padStart(7)} ${whole.toFixed(2).padStart(7)} ${(whole / parse).toFixed(1).padStart(11)}`);
}

// The CHANGELOG check's diff: the released bundle against openapi/ resolved file by file (187 files).
const released = JSON.parse(readFileSync(join(projectRoot, 'generated', 'openapi.json'), 'utf8')) as unknown;
const working = join(projectRoot, 'openapi', 'openapi.yaml');
const bundleOnly = await timed(() => runDiff({ document: released, location: join(projectRoot, 'generated', 'openapi.json') }, join(projectRoot, 'generated', 'openapi.json')));
const multiFile = await timed(() => runDiff({ document: released, location: join(projectRoot, 'generated', 'openapi.json') }, working));
console.log(`ours: bundle vs bundle ${bundleOnly.toFixed(1)} ms; bundle vs openapi/ (multi-file) ${multiFile.toFixed(1)} ms; ratio ${(multiFile / bundleOnly).toFixed(1)}`);
