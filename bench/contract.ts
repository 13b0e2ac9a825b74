// Benchmark: Ajv validation vs JSON.parse over every documented response body, and the contract
// harness vs a raw fetch loop against the same mock. Prints ratios measured in this one run.
import { buildCases } from '../src/contract/cases.ts';
import { ResponseChecker } from '../src/contract/check-response.ts';
import { buildRequest, runCases } from '../src/contract/run.ts';
import { listOperations, loadBundledDescription } from '../src/description/document.ts';
import { DescriptionValidator } from '../src/description/validator.ts';
import { startMock } from '../src/mock/server.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const doc = loadBundledDescription();
const operations = listOperations(doc);
const validator = new DescriptionValidator(doc);

// 1. Validation vs parsing of every documented JSON response body.
const bodies = operations.flatMap((op) => op.responseExamples.filter((e) => e.mediaType?.includes('json')).map((e) => ({ pointer: e.schemaPointer, text: JSON.stringify(e.value) })));
for (const b of bodies) validator.validatorAt(b.pointer); // compile once, outside the timing
const parsed = bodies.map((b) => JSON.parse(b.text) as unknown);
let t0 = performance.now();
for (let i = 0; i < ROUNDS; i++) for (const b of bodies) JSON.parse(b.text);
const parseMs = performance.now() - t0;
t0 = performance.now();
for (let i = 0; i < ROUNDS; i++) for (let j = 0; j < bodies.length; j++) validator.validatorAt(bodies[j]!.pointer)(parsed[j]);
const validateMs = performance.now() - t0;
const bytes = bodies.reduce((n, b) => n + b.text.length, 0);
console.log(`bodies: ${bodies.length} documented JSON responses (${bytes} bytes) × ${ROUNDS}`);
console.log(`JSON.parse: ${(parseMs / ROUNDS / bodies.length * 1000).toFixed(2)} µs/body   Ajv validate: ${(validateMs / ROUNDS / bodies.length * 1000).toFixed(2)} µs/body`);
console.log(`ratio validate/parse: ${(validateMs / parseMs).toFixed(3)}`);

// 2. Harness vs raw fetch, same requests to the same mock.
const cases = buildCases(doc, operations, 'mock');
const checker = new ResponseChecker(doc, validator);
const mock = await startMock({ port: 0 });
const rawLoop = async () => {
  for (const c of cases) await (await fetch(buildRequest(mock.url, c.request, c.prefer))).text();
};
const harness = async () => {
  await runCases(cases, operations, checker, { baseUrl: mock.url, sendPrefer: true });
};
await rawLoop();
await harness(); // warm-up
const raw: number[] = [];
const ours: number[] = [];
for (let round = 0; round < 5; round++) {
  t0 = performance.now();
  await rawLoop();
  raw.push(performance.now() - t0);
  t0 = performance.now();
  await harness();
  ours.push(performance.now() - t0);
}
await mock.close();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2]!;
console.log(`requests: ${cases.length} cases × 5 rounds against the embedded mock`);
console.log(`raw fetch loop: ${(median(raw) / cases.length).toFixed(2)} ms/request   harness: ${(median(ours) / cases.length).toFixed(2)} ms/request`);
console.log(`ratio harness/raw: ${(median(ours) / median(raw)).toFixed(3)} (target ≤ 1.15)`);
