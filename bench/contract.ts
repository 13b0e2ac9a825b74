// Benchmark: validating documented response bodies and checking whole responses, each against
// JSON.parse of the same bytes; then the contract harness vs a raw fetch loop against the same mock.
// Everything is timed after a warm-up (V8 tiers compiled validators up over the first ~1,000
// calls), as the median of alternating chunks, so both sides see the same machine state.
// BENCH_BASELINE=<commit> also times that commit's whole response check in the same chunks
// (its checker and validators, loaded from a temporary worktree), for a before/after in one run.
// A second checker in the process moves both figures by a few hundredths: for small differences,
// bench/contract-ab.ts runs each tree's bench in its own process, alternately, and compares medians.
import { randomBytes } from 'node:crypto';
import { median } from './stats.ts';
import { buildCases } from '../src/contract/cases.ts';
import { ResponseChecker } from '../src/contract/check-response.ts';
import { DEFAULT_BOUNDS } from '../src/http/exchange.ts';
import { MockTarget } from '../src/contract/mock-target.ts';
import { buildInit, buildUrl } from '../src/contract/request.ts';
import { runCases } from '../src/contract/run.ts';
import { loadDescription } from '../src/description/index.ts';
import { startMock } from '../src/mock/server.ts';
import { baselineTree } from './baseline-tree.ts';

const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 41);
const PER_CHUNK = Number(process.env.BENCH_PER_CHUNK ?? 200);
const description = loadDescription();
const { doc, operations, validator } = description;
const checker = new ResponseChecker(doc, validator);

/** Times each function in alternating chunks after a warm-up; returns the median ms per chunk. */
function race(fns: Record<string, () => void>): Record<string, number> {
  for (const f of Object.values(fns)) for (let i = 0; i < 3000; i++) f();
  const times: Record<string, number[]> = {};
  for (let c = 0; c < CHUNKS; c++) {
    for (const [name, f] of Object.entries(fns)) {
      const t0 = performance.now();
      for (let i = 0; i < PER_CHUNK; i++) f();
      (times[name] ??= []).push(performance.now() - t0);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

// Every documented JSON response body, with its operation, status and media type.
const samples = operations.flatMap((op) => op.responseExamples.filter((e) => e.mediaType?.includes('json')).map((e) => {
  const text = JSON.stringify(e.value);
  return { op, status: Number(e.status), text, value: JSON.parse(text) as unknown, test: validator.testerAt(e.schemaPointer), headers: new Headers({ 'Content-Type': e.mediaType! }) };
}));
for (const s of samples) {
  if (!s.test(s.value)) throw new Error(`a documented example does not validate: ${s.op.operationId} ${s.status}`);
  if (checker.check(s.op, { status: s.status, headers: s.headers, body: s.text }).length > 0) throw new Error(`a documented example drifts: ${s.op.operationId} ${s.status}`);
}
/** The least any validator does: look at every value's type once, every key and every string's length. */
function visit(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (typeof v !== 'object' || v === null) return 1;
  let n = 0;
  if (Array.isArray(v)) {
    for (const item of v) n += visit(item);
    return n;
  }
  for (const k in v) n += k.length + visit((v as Record<string, unknown>)[k]);
  return n;
}
let sink = 0;
const fns: Record<string, () => void> = {
  parse: () => { for (const s of samples) sink += JSON.parse(s.text) ? 1 : 0; },
  validate: () => { for (const s of samples) sink += s.test(s.value) ? 1 : 0; },
  check: () => { for (const s of samples) sink += checker.check(s.op, { status: s.status, headers: s.headers, body: s.text }).length; },
  // The check without its plumbing, and the floor under any validator, both on freshly parsed bodies.
  parseValidate: () => { for (const s of samples) sink += s.test(JSON.parse(s.text)) ? 1 : 0; },
  parseVisit: () => { for (const s of samples) sink += visit(JSON.parse(s.text)); },
};
const baseline = process.env.BENCH_BASELINE ? baselineTree(process.env.BENCH_BASELINE) : undefined;
type Checker = { check: (op: unknown, observed: { status: number; headers: Headers; body: string }) => unknown[] };
let oldChecker: Checker | undefined;
let oldOps: Map<string, unknown> | undefined;
if (baseline) {
  const old = await baseline.load<{ loadDescription: () => typeof description }>('src/description/index.ts');
  const { ResponseChecker: OldChecker } = await baseline.load<{ ResponseChecker: new (d: unknown, v: unknown) => Checker }>('src/contract/check-response.ts');
  const oldDescription = old.loadDescription();
  const before = new OldChecker(oldDescription.doc, oldDescription.validator);
  const ops = new Map(oldDescription.operations.map((o) => [o.operationId, o as unknown]));
  const oldSamples = samples.map((s) => ({ ...s, oldOp: ops.get(s.op.operationId)! }));
  for (const s of oldSamples) if (before.check(s.oldOp, { status: s.status, headers: s.headers, body: s.text }).length > 0) throw new Error(`baseline: a documented example drifts: ${s.op.operationId}`);
  fns.baseline = () => { for (const s of oldSamples) sink += before.check(s.oldOp, { status: s.status, headers: s.headers, body: s.text }).length; };
  oldChecker = before;
  oldOps = ops;
}
const t = race(fns);
const bytes = samples.reduce((n, s) => n + s.text.length, 0);
const us = (ms: number) => ((ms / PER_CHUNK / samples.length) * 1000).toFixed(2);
console.log(`bodies: ${samples.length} documented JSON responses (${bytes} bytes); ${CHUNKS} alternating chunks × ${PER_CHUNK} passes after a warm-up (${sink > 0 ? 'ok' : '?'})`);
console.log(`JSON.parse ${us(t.parse!)} µs/body · validate ${us(t.validate!)} µs/body · whole response check ${us(t.check!)} µs/body`);
console.log(`ratio validate/parse: ${(t.validate! / t.parse!).toFixed(3)} (goal ≤ 0.7, full format strictness)`);
console.log(`ratio whole check/parse: ${(t.check! / t.parse!).toFixed(3)} (goal ≤ 1.5: status, media type, headers, parse and body)`);
console.log(`ratio whole check minus its own JSON.parse, over parse: ${((t.check! - t.parse!) / t.parse!).toFixed(3)} (status, media type, headers and body validation on freshly parsed values)`);
console.log(`where it goes, each over parse: JSON.parse then visit every value ${(t.parseVisit! / t.parse!).toFixed(3)} (the floor under any validator) · JSON.parse then validate ${(t.parseValidate! / t.parse!).toFixed(3)} · whole check ${(t.check! / t.parse!).toFixed(3)} (plus status, media type, headers)`);
if (baseline) console.log(`baseline ${baseline.commit}: whole response check ${us(t.baseline!)} µs/body, ratio whole check/parse ${(t.baseline! / t.parse!).toFixed(3)} (this tree ${(t.check! / t.parse!).toFixed(3)}, same chunks)`);
// bench/contract-ab.ts wants only the figures above, from many short processes.
if (process.env.BENCH_BODIES_ONLY === '1') {
  baseline?.remove();
  process.exit(0);
}

type Op = (typeof operations)[number];
const REPEAT = 10;
/** One field-shaped body, checked and parsed in alternating chunks (and the baseline's check, if any). */
function fieldShaped(label: string, op: Op, text: string, mediaType: string): void {
  const observed = { status: 200, headers: new Headers({ 'Content-Type': mediaType }), body: text };
  if (checker.check(op, observed).length > 0) throw new Error(`${label} drifts`);
  const sized: Record<string, () => void> = {
    parse: () => { for (let i = 0; i < REPEAT; i++) sink += JSON.parse(text) ? 1 : 0; },
    check: () => { for (let i = 0; i < REPEAT; i++) sink += checker.check(op, observed).length; },
  };
  const oldOp = oldOps?.get(op.operationId);
  if (oldChecker && oldOp) {
    const before = oldChecker;
    sized.baseline = () => { for (let i = 0; i < REPEAT; i++) sink += before.check(oldOp, observed).length; };
  }
  const ts = race(sized);
  const per = (ms: number) => ((ms / PER_CHUNK / REPEAT) * 1000).toFixed(2);
  console.log(`${label} (${text.length} characters): JSON.parse ${per(ts.parse!)} µs · whole check ${per(ts.check!)} µs · ratio ${(ts.check! / ts.parse!).toFixed(3)}${ts.baseline ? ` (baseline ${baseline!.commit}: ${(ts.baseline / ts.parse!).toFixed(3)})` : ''}`);
}
const documented200 = (operationId: string, has: string) => {
  const op = operations.find((o) => o.operationId === operationId)!;
  return { op, example: op.responseExamples.find((e) => e.status === '200' && JSON.stringify(e.value).includes(has))! };
};

// Field-shaped bodies: Adobe's samples truncate the media token (`PHNpZ25hdHVyZUluZm8...`), but a
// real one is a PKI-signed token (its RSA signature alone is 344 base64 characters). The
// documented authorization decision, its token replaced by base64 of 512, 1,024 and 2,048 random bytes.
const permit = documented200('retrieveAuthorizationDecisions', '"serializedToken"');
const withToken = (bytes: number): string => JSON.stringify(permit.example.value, (key, value: unknown) => (key === 'serializedToken' ? randomBytes(bytes).toString('base64') : value));
for (const bytes of [512, 1024, 2048]) fieldShaped(`decision with a ${bytes}-byte media token`, permit.op, withToken(bytes), permit.example.mediaType!);
// Every logout URL carries a %-encoded redirect_url: the documented one, and one whose
// redirect_url is a programmer's page with a query of its own.
const logout = documented200('initiateLogout', 'redirect_url=');
const redirect = encodeURIComponent('https://www.example-programmer.com/app/signed-out?session=1b614390-6610-4d14-9421-6565f6e75958&ref=home&lang=en-US');
const withRedirect = JSON.stringify(logout.example.value, (key, value: unknown) => (key === 'url' && typeof value === 'string' ? value.replace(/redirect_url=.*$/, `redirect_url=${redirect}`) : value));
fieldShaped('documented logout (an encoded redirect_url)', logout.op, JSON.stringify(logout.example.value), logout.example.mediaType!);
fieldShaped(`logout with a ${redirect.length}-character encoded redirect_url`, logout.op, withRedirect, logout.example.mediaType!);
baseline?.remove();

// Harness vs raw fetch, same requests to the same mock, alternating rounds.
const cases = buildCases(doc, operations, 'mock');
const mock = await startMock({ port: 0, description });
const target = new MockTarget(mock.url, DEFAULT_BOUNDS);
await target.open();
const rawLoop = async () => {
  for (const c of cases) await (await fetch(buildUrl(mock.url, c.request), { ...buildInit(c.request, c.prefer), redirect: 'manual' })).text();
};
const harness = async () => {
  await runCases(cases, { target, operations, checker });
};
await rawLoop();
await harness();
const raw: number[] = [];
const ours: number[] = [];
for (let round = 0; round < 7; round++) {
  let t0 = performance.now();
  await rawLoop();
  raw.push(performance.now() - t0);
  t0 = performance.now();
  await harness();
  ours.push(performance.now() - t0);
}
await mock.close();
console.log(`requests: ${cases.length} cases × 7 alternating rounds against the embedded mock`);
console.log(`raw fetch loop ${(median(raw) / cases.length).toFixed(2)} ms/request · harness ${(median(ours) / cases.length).toFixed(2)} ms/request`);
console.log(`ratio harness/raw: ${(median(ours) / median(raw)).toFixed(3)}`);
