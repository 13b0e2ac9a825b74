// Benchmark: auditing a 100,000-request HAR. Generates the file (a programmer service relaying
// 2,500 devices through the cookbook's flow, a few of them misbehaving), then audits it in fresh
// processes two ways, side by side: streamed (what `pass-contract audit` does) and with the whole
// file read and JSON.parse'd first. Prints wall time and peak RSS as medians after a warm-up, and
// their ratios. Usage: tsx bench/audit.ts [requests] (default 100000).
import { median } from './stats.ts';
import { spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Entry } from 'har-format';
import { auditFiles, auditTraffic } from '../src/audit/audit.ts';
import { ExchangeExtractor, group, type Exchange } from '../src/audit/traffic.ts';
import { loadDescription } from '../src/description/index.ts';

const self = fileURLToPath(import.meta.url);

/** What one audit run measured, printed by a child process as JSON. */
interface Run { ms: number; peakRssMb: number; exchanges: number; findings: number }

async function child(mode: string, file: string): Promise<void> {
  const description = loadDescription();
  const t0 = performance.now();
  let report;
  if (mode === 'stream') {
    report = await auditFiles([file], { description });
  } else {
    const entries = (JSON.parse(readFileSync(file, 'utf8')) as { log: { entries: Entry[] } }).log.entries;
    const extractor = new ExchangeExtractor(description);
    const exchanges: Exchange[] = [];
    entries.forEach((e, i) => {
      const x = extractor.extract(e, 0, i + 1, exchanges.length + 1);
      if (x) exchanges.push(x);
    });
    report = auditTraffic(group([file], exchanges, entries.length), { description });
  }
  const ms = performance.now() - t0;
  const run: Run = { ms, peakRssMb: process.resourceUsage().maxRSS / 1024, exchanges: report.traffic.exchanges, findings: report.counts.must + report.counts.should };
  process.stdout.write(JSON.stringify(run));
}

/** Writes a HAR of `n` requests without holding it in memory. */
async function generate(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  const t0 = Date.UTC(2026, 4, 25, 8);
  const deviceInfo = (i: number) => Buffer.from(JSON.stringify({ primaryHardwareType: 'SetTopBox', model: i % 3 ? 'AppleTV' : 'Roku Ultra', version: '5,3', osName: 'tvOS', osVersion: '17.0', connectionIp: `203.0.${(i >> 8) & 255}.${i & 255}`, connectionPort: 50_000 + (i % 1000), connectionType: 'WiFi' })).toString('base64');
  const headers = (i: number, token: string) => [
    { name: 'Authorization', value: `Bearer ${token}` },
    { name: 'AP-Device-Identifier', value: `fingerprint ${Buffer.from(`device-${i}`).toString('base64')}` },
    { name: 'X-Device-Info', value: deviceInfo(i) },
    { name: 'X-Forwarded-For', value: `203.0.${(i >> 8) & 255}.${i & 255}` },
    { name: 'Accept', value: 'application/json' },
    { name: 'User-Agent', value: 'programmer-service/2.3 (node)' },
  ];
  const profile = (now: number) => JSON.stringify({ profiles: { Cablevision: { notBefore: now, notAfter: now + 86_400_000, issuer: 'Cablevision', type: 'regular', attributes: { userID: { value: 'BAgpxZf1ODzCkKEwoVJWhdQg', state: 'plain' }, zip: { value: '94043', state: 'plain' }, householdID: { value: '3c34f9b', state: 'plain' } } } } });
  const entry = (at: number, method: string, path: string, hs: { name: string; value: string }[], status: number, body: string, post?: string) => JSON.stringify({
    startedDateTime: new Date(at).toISOString(), time: 35,
    request: { method, url: `https://sp.auth.adobe.com${path}`, httpVersion: 'HTTP/1.1', cookies: [], headers: hs, queryString: [], ...(post ? { postData: { mimeType: post.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded', text: post } } : {}), headersSize: -1, bodySize: post?.length ?? 0 },
    response: { status, statusText: '', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'Content-Type', value: 'application/json;charset=UTF-8' }, { name: 'Date', value: new Date(at).toUTCString() }], content: { size: body.length, mimeType: 'application/json;charset=UTF-8', text: body }, redirectURL: '', headersSize: -1, bodySize: body.length },
    cache: {}, timings: { send: 0, wait: 35, receive: 0 },
  });

  await write('{"log":{"version":"1.2","creator":{"name":"bench/audit.ts","version":"1"},"entries":[\n');
  let count = 0;
  let token = 0;
  const emit = async (text: string) => {
    await write(`${count ? ',\n' : ''}${text}`);
    count++;
  };
  // One token per 6 hours for the whole service (as it should be), renewed as the day goes on.
  const tokenAt = (at: number) => Math.floor((at - t0) / 21_000_000);
  await emit(entry(t0 - 1000, 'POST', '/o/client/token', [{ name: 'X-Device-Info', value: deviceInfo(0) }], 200, JSON.stringify({ access_token: 'tok-0', token_type: 'bearer', expires_in: 21600 }), 'client_id=client-1&client_secret=s&grant_type=client_credentials'));
  for (let device = 0; count < n; device++) {
    let at = t0 + device * 7_000;
    const current = tokenAt(at);
    if (current > token) {
      token = current;
      await emit(entry(at - 500, 'POST', '/o/client/token', [{ name: 'X-Device-Info', value: deviceInfo(0) }], 200, JSON.stringify({ access_token: `tok-${token}`, token_type: 'bearer', expires_in: 21600 }), 'client_id=client-1&client_secret=s&grant_type=client_credentials'));
    }
    const h = headers(device, `tok-${token}`);
    const code = `C${device.toString(36).toUpperCase()}`;
    const misbehaves = device % 50 === 0; // 2 %: polls every second
    await emit(entry(at, 'GET', '/api/v2/REF30/profiles', h, 200, '{"profiles":{}}'));
    await emit(entry((at += 800), 'GET', '/api/v2/REF30/configuration', h, 200, '{"requestor":{"id":"REF30","name":"REF30","mvpds":[{"id":"Cablevision","displayName":"Optimum","logoUrl":"https://example.com/logo.png","isTempPass":false,"isProxy":false,"boardingStatus":"SUPPORTED","platforms":["ALL"]}]}}'));
    await emit(entry((at += 6000), 'POST', '/api/v2/REF30/sessions', h, 201, JSON.stringify({ actionName: 'authenticate', actionType: 'interactive', reasonType: 'none', url: `/api/v2/authenticate/REF30/${code}`, code, sessionId: `s-${device}`, mvpd: 'Cablevision', serviceProvider: 'REF30', notBefore: String(at), notAfter: String(at + 1_800_000) }), 'mvpd=Cablevision&domainName=adobe.com&redirectUrl=https%3A%2F%2Fadobe.com'));
    const polls = 4 + (device % 5);
    for (let p = 0; p < polls; p++) {
      const last = p === polls - 1;
      await emit(entry((at += misbehaves ? 1000 : 4000), 'GET', `/api/v2/REF30/profiles/code/${code}`, h.slice(0, 1).concat(h.slice(3)), 200, last ? profile(at) : '{"profiles":{}}'));
    }
    await emit(entry((at += 3000), 'POST', '/api/v2/REF30/decisions/preauthorize/Cablevision', h, 200, JSON.stringify({ decisions: ['REF30', 'REF31', 'REF32'].map((resource) => ({ resource, serviceProvider: 'REF30', mvpd: 'Cablevision', source: 'mvpd', authorized: true })) }), '{"resources":["REF30","REF31","REF32"]}'));
    await emit(entry((at += 20_000), 'POST', '/api/v2/REF30/decisions/authorize/Cablevision', h, 200, JSON.stringify({ decisions: [{ resource: 'REF30', serviceProvider: 'REF30', mvpd: 'Cablevision', source: 'mvpd', authorized: true, token: { notBefore: at, notAfter: at + 420_000, serializedToken: 'PHNpZ25hdHVyZUluZm8+' } }] }), '{"resources":["REF30"]}'));
  }
  await write('\n]}}\n');
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}


async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100_000);
  const dir = await mkdtemp(join(tmpdir(), 'pass-bench-audit-'));
  const file = join(dir, 'traffic.har');
  try {
    let t0 = performance.now();
    await generate(file, n);
    console.log(`generated ${file}: ${n.toLocaleString('en-US')}+ requests, ${(statSync(file).size / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const run = (mode: string): Run => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as Run;
    };
    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    run('stream');
    run('parse'); // warm-up (file cache, tsx compile cache)
    const stream: Run[] = [];
    const parse: Run[] = [];
    t0 = performance.now();
    for (let i = 0; i < rounds; i++) {
      stream.push(run('stream'));
      parse.push(run('parse'));
    }
    const s = { ms: median(stream.map((r) => r.ms)), rss: median(stream.map((r) => r.peakRssMb)) };
    const p = { ms: median(parse.map((r) => r.ms)), rss: median(parse.map((r) => r.peakRssMb)) };
    console.log(`audited ${stream[0]!.exchanges.toLocaleString('en-US')} requests, ${stream[0]!.findings} findings (same in both modes: ${parse[0]!.findings === stream[0]!.findings}); ${rounds} rounds each, medians`);
    console.log(`streamed (pass-contract audit): ${(s.ms / 1000).toFixed(2)} s, peak RSS ${s.rss.toFixed(0)} MB, ${((stream[0]!.exchanges / s.ms) * 1000).toFixed(0)} requests/s`);
    console.log(`JSON.parse of the whole file:   ${(p.ms / 1000).toFixed(2)} s, peak RSS ${p.rss.toFixed(0)} MB`);
    console.log(`ratio streamed/whole-file: time ${(s.ms / p.ms).toFixed(2)}, peak RSS ${(s.rss / p.rss).toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else if (process.argv[2] === '--generate') await generate(process.argv[4]!, Number(process.argv[3]));
else await main();
