// Benchmark: does a long-running proxy slow down as its traffic grows? Sends exchanges through the
// proxy to the embedded mock, 8 at a time over keep-alive connections, in batches, after a warm-up;
// prints each batch's cost per exchange, the ratio of the last batches' median to the first ones'
// (1.0: flat), and the report's size and the process's memory at the end. Before the report folded
// repeated exchanges (src/contract/fold.ts), 20,000 exchanges went from 778 to 2,814 µs each.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './stats.ts';
import { loadDescription } from '../src/description/index.ts';
import { startMock } from '../src/mock/server.ts';
import { startProxy } from '../src/proxy/server.ts';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 12);
const PER_BATCH = Number(process.env.BENCH_PER_BATCH ?? 2000);
const EDGE = 3;
const description = loadDescription();
const mock = await startMock({ port: 0, description });
const dir = await mkdtemp(join(tmpdir(), 'pass-bench-long-proxy-'));
const proxy = await startProxy({ upstream: mock.url, port: 0, reportDir: dir, description });
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
const deviceInfo = Buffer.from(JSON.stringify({ primaryHardwareType: 'SetTopBox' })).toString('base64');
// Three operations in turn, so the report holds more than one kind of row.
const paths = ['/api/v2/REF30/configuration', '/api/v2/REF30/logout/Cablevision?redirectUrl=https%3A%2F%2Fadobe.com', '/api/v2/REF30/sessions/ABC1234'];
let sent = 0;
const one = () => new Promise<void>((resolve, reject) => {
  const req = request(`${proxy.url}${paths[sent++ % paths.length]}`, { agent, timeout: 30_000, headers: { 'X-Device-Info': deviceInfo, 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', Authorization: 'Bearer bench' } }, (res) => {
    res.resume();
    res.on('end', resolve);
  });
  req.on('error', reject);
  req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
  req.end();
});
const batch = async (n: number): Promise<number> => {
  const t0 = performance.now();
  for (let i = 0; i < n; i += 8) await Promise.all(Array.from({ length: 8 }, one));
  return ((performance.now() - t0) / n) * 1000;
};

await batch(1000);
const perExchange: number[] = [];
for (let b = 0; b < BATCHES; b++) {
  perExchange.push(await batch(PER_BATCH));
  console.log(`batch ${b + 1}: ${sent} exchanges so far, ${perExchange.at(-1)!.toFixed(0)} µs/exchange`);
}
await proxy.flush();
const size = (await stat(join(dir, 'report.json'))).size;
const first = median(perExchange.slice(0, EDGE));
const last = median(perExchange.slice(-EDGE));
console.log(`exchanges: ${sent} (1,000 warm-up); first ${EDGE} batches ${first.toFixed(0)} µs/exchange, last ${EDGE} ${last.toFixed(0)} µs/exchange`);
console.log(`ratio last/first: ${(last / first).toFixed(3)} (1.0: no slower as traffic grows)`);
console.log(`report.json ${(size / 1024).toFixed(1)} KiB with ${proxy.results.length} rows; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
await proxy.close();
await mock.close();
agent.destroy();
await rm(dir, { recursive: true, force: true });
