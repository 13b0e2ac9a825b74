// Benchmark: a call through createPassClient (default layers) vs raw fetch, same local server.
// Prints the ratio of per-request times measured in this one run, and the client's bundle size.
// BENCH_BASELINE=<commit> also times that commit's createPassClient in the same alternating rounds
// (loaded from a temporary worktree), for a before/after in one run.
import { median } from './stats.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundleClient } from './client-bundle.ts';
import createClient from 'openapi-fetch';
import type { paths } from 'pass-contract-client/types';
import { createPassClient } from 'pass-contract-client';
import { baselineTree } from './baseline-tree.ts';

const N = Number(process.env.BENCH_N ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const body = JSON.stringify({ logouts: { Dish: { actionName: 'complete', actionType: 'none', mvpd: 'Dish' } } });
const server = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const header = { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': 'e30=', 'X-Forwarded-For': '203.0.113.7' };
const url = `${base}/api/v2/REF30/logout/Dish?redirectUrl=${encodeURIComponent('https://adobe.com')}`;

const pass = createPassClient({ baseUrl: base, tokens: { getAccessToken: async () => 'token', invalidate: async () => {} } });
const raw = async () => {
  const r = await fetch(url, { headers: { ...header, Authorization: 'Bearer token', Accept: 'application/json' } });
  return r.json();
};
const bare = createClient<paths>({ baseUrl: base, headers: { Accept: 'application/json', Authorization: 'Bearer token' } });
const bareCall = async () => (await bare.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' }, query: { redirectUrl: 'https://adobe.com' }, header } })).data;
const client = async () => (await pass.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' }, query: { redirectUrl: 'https://adobe.com' }, header } })).data;
const baseline = process.env.BENCH_BASELINE ? baselineTree(process.env.BENCH_BASELINE) : undefined;
const old = baseline ? (await baseline.load<{ createPassClient: typeof createPassClient }>('packages/client/src/index.ts')).createPassClient({ baseUrl: base, tokens: { getAccessToken: async () => 'token', invalidate: async () => {} } }) : undefined;
const oldClient = async () => (await old!.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd: 'Dish' }, query: { redirectUrl: 'https://adobe.com' }, header } })).data;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await fn();
  return (performance.now() - t0) / N;
}

for (let i = 0; i < 300; i++) await raw(), await bareCall(), await client(), old && (await oldClient()); // warm-up
// Alternate rounds so drift in machine load hits every side alike.
const rawTimes: number[] = [];
const clientTimes: number[] = [];
const bareTimes: number[] = [];
const oldTimes: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  rawTimes.push(await time(raw));
  bareTimes.push(await time(bareCall));
  clientTimes.push(await time(client));
  if (old) oldTimes.push(await time(oldClient));
}
const rawMs = median(rawTimes);
const clientMs = median(clientTimes);
const bareMs = median(bareTimes);
server.close();

const bundle = await bundleClient();
console.log(`raw fetch:      ${(rawMs * 1000).toFixed(1)} µs/request (median of ${ROUNDS} × ${N})`);
console.log(`openapi-fetch alone: ${(bareMs * 1000).toFixed(1)} µs/request (ratio ${(bareMs / rawMs).toFixed(3)})`);
console.log(`createPassClient: ${(clientMs * 1000).toFixed(1)} µs/request`);
console.log(`ratio client/raw: ${(clientMs / rawMs).toFixed(3)} (issue 3 aimed at ≤ 1.05 before the client gained GC-safe timeouts and bounded reads; see the README's "What a call costs")`);
console.log(`ratio client/openapi-fetch (our layers alone): ${(clientMs / bareMs).toFixed(3)}`);
if (baseline) {
  const oldMs = median(oldTimes);
  console.log(`baseline ${baseline.commit} createPassClient: ${(oldMs * 1000).toFixed(1)} µs/request, ratio client/openapi-fetch ${(oldMs / bareMs).toFixed(3)} (this tree ${(clientMs / bareMs).toFixed(3)}, same rounds)`);
  baseline.remove();
}
console.log(`client bundle:  ${(bundle.bytes / 1024).toFixed(1)} KiB minified, ${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzip (browser ESM incl. openapi-fetch)`);
