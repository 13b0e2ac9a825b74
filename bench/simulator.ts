// Benchmark: the simulator vs the Prism mock, side by side in one run, each in its own process
// started from the built CLI: cold start to first answer, then throughput and p99 latency of the
// same request at the same concurrency (after a warm-up, medians of alternating rounds); then a
// soak of 100,000 requests from 1,000 devices with the simulator's heap after each 10,000.
// Throughput and latency come from autocannon (fixed connections, keep-alive, one request in
// flight per connection), the same load for every server.
import { median } from './stats.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { projectRoot } from '../src/description/document.ts';

const BIN = join(projectRoot, 'dist', 'src', 'cli', 'bin.js');
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 5);
const SOAK_REQUESTS = Number(process.env.BENCH_SOAK_REQUESTS ?? 100_000);
const SOAK_DEVICES = Number(process.env.BENCH_SOAK_DEVICES ?? 1000);
const TIMEOUT_MS = 10_000;

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (the benchmark measures the built CLI, as users run it)`);

const deviceInfo = Buffer.from(JSON.stringify({ primaryHardwareType: 'SetTopBox', model: 'AppleTV', version: '5,3', osName: 'tvOS', osVersion: '17.0', connectionType: 'WiFi' })).toString('base64');

/** The default scenario's software statement (what `simulate` prints on start). */
const STATEMENT = /statement: (\S+)/.exec(readFileSync(join(projectRoot, 'scenarios', 'default.yaml'), 'utf8'))![1]!;

interface Server { url: string; child: ChildProcess; stop(): Promise<void> }

/** The ceiling: a bare node:http server answering every request with the same fixed bytes. */
const BARE = `const b = Buffer.from(process.argv[1]); const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => r.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' }).end(b)); }); s.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + s.address().port));`;

/** Starts `pass-contract <command>` (or, for `bare`, the fixed-bytes server) and resolves with its URL once it prints the listening line. */
function start(command: string[], nodeArgs: string[] = []): Promise<Server> {
  return new Promise((resolve, reject) => {
    const args = command[0] === 'bare' ? ['-e', BARE, command[1]!] : [...nodeArgs, BIN, ...command];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => { child.kill(); reject(new Error(`${command[0]} did not start within 30 s`)); }, 30_000);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, stop: () => new Promise((r) => { child.once('exit', () => r()); child.kill('SIGTERM'); }) });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${command[0]} exited with ${code}: ${out}`)); });
  });
}

interface Reply { status: number; body: string }

function send(agent: Agent, url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers: { ...headers, ...(body ? { 'Content-Length': Buffer.byteLength(body) } : {}) }, agent, timeout: TIMEOUT_MS }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Cold start: spawn → first answer to the benchmark request (the server is still starting until then). */
async function coldStart(command: string[], path: string, headers: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const server = await start(command);
  const agent = new Agent({ keepAlive: false });
  await send(agent, server.url, 'GET', path, headers);
  const ms = performance.now() - t0;
  agent.destroy();
  await server.stop();
  return ms;
}

/** autocannon at CONCURRENCY connections for `ms`: requests per second and latency percentiles. */
async function load(url: string, path: string, headers: Record<string, string>, ms: number, expect: number) {
  const result = await autocannon({ url: `${url}${path}`, headers, connections: CONCURRENCY, pipelining: 1, duration: ms / 1000, timeout: TIMEOUT_MS / 1000 });
  const wrong = result.non2xx + result.errors + result.timeouts;
  if (expect === 200 && wrong) throw new Error(`${wrong} answers were not 2xx`);
  return { rps: result.requests.total / (ms / 1000), p99: result.latency.p99, p50: result.latency.p50 };
}

async function accessToken(url: string): Promise<string> {
  const agent = new Agent({ keepAlive: false });
  const json = (r: Reply) => JSON.parse(r.body) as Record<string, string>;
  const reg = json(await send(agent, url, 'POST', '/o/client/register', { 'Content-Type': 'application/json', 'X-Device-Info': deviceInfo }, JSON.stringify({ software_statement: STATEMENT })));
  const tok = json(await send(agent, url, 'POST', '/o/client/token', { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Device-Info': deviceInfo }, new URLSearchParams({ client_id: reg.client_id!, client_secret: reg.client_secret!, grant_type: 'client_credentials' }).toString()));
  agent.destroy();
  return tok.access_token!;
}

// The same request for both: the service provider's configuration, with the headers Adobe's checklist asks for.
const PATH = '/api/v2/REF30/configuration';
const baseHeaders = { 'AP-Device-Identifier': 'fingerprint YmVuY2gtZGV2aWNl', 'X-Device-Info': deviceInfo, Accept: 'application/json' };

console.log(`simulator vs Prism mock — GET ${PATH}, ${CONCURRENCY} autocannon connections, ${ROUNDS} alternating rounds of ${ROUND_MS} ms after a warm-up`);

// 1. Cold start, alternating, medians. The mock accepts any bearer token; the simulator's first
// answer is a 401 (a token needs a registration), which still proves it is serving.
const cold = { simulator: [] as number[], mock: [] as number[] };
for (let i = 0; i < COLD_STARTS; i++) {
  cold.simulator.push(await coldStart(['simulate', '--port', '0', '--no-throttle'], PATH, { ...baseHeaders, Authorization: 'Bearer cold' }));
  cold.mock.push(await coldStart(['mock', '--port', '0'], PATH, { ...baseHeaders, Authorization: 'Bearer cold' }));
}
console.log(`cold start to first answer (median of ${COLD_STARTS}): simulator ${median(cold.simulator).toFixed(0)} ms, Prism mock ${median(cold.mock).toFixed(0)} ms (ratio ${(median(cold.mock) / median(cold.simulator)).toFixed(1)}×)`);

// 2. Throughput and latency, both servers up, loaded one at a time.
const sim = await start(['simulate', '--port', '0', '--no-throttle']);
const mock = await start(['mock', '--port', '0']);
try {
  const token = await accessToken(sim.url);
  const simHeaders = { ...baseHeaders, Authorization: `Bearer ${token}` };
  const mockHeaders = { ...baseHeaders, Authorization: 'Bearer 2YotnFZFEjr1zCsicMWpAA' };
  const sample = await send(new Agent(), sim.url, 'GET', PATH, simHeaders);
  const bare = await start(['bare', sample.body]);
  await load(sim.url, PATH, simHeaders, 1500, 200);
  await load(mock.url, PATH, mockHeaders, 1500, 200);
  await load(bare.url, PATH, mockHeaders, 1500, 200);
  const runs = { simulator: [] as { rps: number; p99: number; p50: number }[], mock: [] as { rps: number; p99: number; p50: number }[], bare: [] as { rps: number; p99: number; p50: number }[] };
  for (let i = 0; i < ROUNDS; i++) {
    runs.simulator.push(await load(sim.url, PATH, simHeaders, ROUND_MS, 200));
    runs.mock.push(await load(mock.url, PATH, mockHeaders, ROUND_MS, 200));
    runs.bare.push(await load(bare.url, PATH, mockHeaders, ROUND_MS, 200));
  }
  await bare.stop();
  const bareRps = median(runs.bare.map((r) => r.rps));
  const s = { rps: median(runs.simulator.map((r) => r.rps)), p99: median(runs.simulator.map((r) => r.p99)), p50: median(runs.simulator.map((r) => r.p50)) };
  const m = { rps: median(runs.mock.map((r) => r.rps)), p99: median(runs.mock.map((r) => r.p99)), p50: median(runs.mock.map((r) => r.p50)) };
  console.log(`throughput: simulator ${s.rps.toFixed(0)} req/s, Prism mock ${m.rps.toFixed(0)} req/s → ratio ${(s.rps / m.rps).toFixed(2)}× (goal ≥ 4×)`);
  console.log(`latency p50/p99 (autocannon, 1 ms resolution): simulator ${s.p50}/${s.p99} ms, Prism mock ${m.p50}/${m.p99} ms`);
  console.log(`ceiling: bare node:http with fixed bytes ${bareRps.toFixed(0)} req/s (${(bareRps / m.rps).toFixed(2)}× Prism); the simulator reaches ${(100 * s.rps / bareRps).toFixed(0)}% of it`);
} finally {
  await sim.stop();
  await mock.stop();
}

// 3. Soak: 1,000 devices (own X-Forwarded-For and AP-Device-Identifier) cycling through create
// session, profiles, authorization (media tokens), preauthorization and logout, with the
// simulator's throttle on and its clock moved 1 minute per 1,000 requests, so each device sends
// about one request per simulated minute and codes, media tokens and trials expire as they would.
const soak = await start(['simulate', '--port', '0'], ['--expose-gc']);
try {
  const token = await accessToken(soak.url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const stats = async () => JSON.parse((await send(agent, soak.url, 'GET', '/_sim/stats?gc=1', {})).body) as { memory: { heapUsed: number; rss: number }; counts: Record<string, number> };
  const heap: number[] = [];
  let sent = 0;
  const statuses = new Map<number, number>();
  const step = async (i: number) => {
    const d = i % SOAK_DEVICES;
    const headers = { Authorization: `Bearer ${token}`, 'AP-Device-Identifier': `fingerprint ${Buffer.from(`soak-${d}`).toString('base64')}`, 'X-Device-Info': deviceInfo, 'X-Forwarded-For': `10.${(d >> 8) & 255}.${d & 255}.7` };
    const kind = Math.floor(i / SOAK_DEVICES) % 5;
    let r: Reply;
    if (kind === 0) r = await send(agent, soak.url, 'POST', '/api/v2/REF30/sessions', { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, 'mvpd=Cablevision&domainName=adobe.com&redirectUrl=https%3A%2F%2Fadobe.com');
    else if (kind === 1) r = await send(agent, soak.url, 'GET', '/api/v2/REF30/profiles', headers);
    else if (kind === 2) r = await send(agent, soak.url, 'POST', '/api/v2/REF30/decisions/authorize/ATTOTT', { ...headers, 'Content-Type': 'application/json' }, '{"resources":["REF30"]}');
    else if (kind === 3) r = await send(agent, soak.url, 'POST', '/api/v2/REF30/decisions/preauthorize/TempPass_TEST44', { ...headers, 'Content-Type': 'application/json' }, '{"resources":["REF30","apasstest1"]}');
    else r = await send(agent, soak.url, 'GET', '/api/v2/REF30/logout/ATTOTT?redirectUrl=https%3A%2F%2Fadobe.com', headers);
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  };
  const t0 = performance.now();
  for (let block = 0; block < SOAK_REQUESTS / 1000; block++) {
    let next = block * 1000;
    const end = next + 1000;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < end) await step(next++);
    }));
    sent = end;
    await send(agent, soak.url, 'POST', '/_sim/clock', { 'Content-Type': 'application/json' }, '{"advance":"1m"}');
    if (sent % 10_000 === 0) heap.push((await stats()).memory.heapUsed);
  }
  const last = await stats();
  agent.destroy();
  const mb = (b: number) => (b / 1_048_576).toFixed(1);
  console.log(`soak: ${sent} requests from ${SOAK_DEVICES} devices in ${((performance.now() - t0) / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  console.log(`soak heap after each 10,000 (MB, after gc): ${heap.map(mb).join(', ')}; growth from 20,000 to ${sent}: ${heap.length > 1 ? `${(heap.at(-1)! / heap[1]!).toFixed(2)}×` : 'n/a'}; rss ${mb(last.memory.rss)} MB`);
  console.log(`soak state at the end: ${JSON.stringify(last.counts)}`);
} finally {
  await soak.stop();
}
