// A seeded fuzzer playing a hostile Adobe host against the whole check (`runCheck` on a real-host
// target, DCR included): every answer is drawn at random — any status, any media type, bodies of
// the wrong shape, nulls, 100,000-deep arrays, truncated JSON, gzip bombs and bad gzip, HTML pages,
// Retry-After nonsense, redirects, secrets echoed in bodies and headers, hangs and resets — or now
// and then the documented answer. The run must end, with an exit code and its three report files
// whole, every case in the report with a known outcome, and no secret in any file. The seed of a
// failing run is in the test name; CHECK_FUZZ_SEEDS=1,2,3 runs others.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/contract/check.ts';
import { mulberry32 } from '../support/prng.ts';
import { description, ENV, STATEMENT } from './support.ts';

const SEEDS = (process.env.CHECK_FUZZ_SEEDS ?? '12,31,37').split(',').map(Number);
const OUTCOMES = new Set(['pass', 'drift', 'accepted', 'error', 'not-checked', 'skipped']);
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));

async function hostileHost(seed: number): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const random = mulberry32(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let issued = 0;
  let requests = 0;
  const sockets = new Set<Socket>();

  /** What a broken or hostile host answers; `echo` is everything the request carried. */
  const answer = (req: IncomingMessage, body: string, res: ServerResponse): void => {
    const echo = `${req.headers.authorization ?? ''} ${body}`;
    const r = random();
    const status = pick([200, 201, 204, 302, 400, 401, 403, 404, 405, 429, 500, 502, 503, 504]);
    const headers: Record<string, string> = { 'Content-Type': pick(['application/json', 'application/json;charset=UTF-8', 'text/html', 'application/problem+json', 'text/plain']) };
    if (random() < 0.2) headers['Retry-After'] = pick(['0', '1', 'soon', '99999999999', 'Fri, 31 Dec 9999 23:59:59 GMT']);
    if (random() < 0.2) headers.Location = pick(['https://elsewhere.example/', '/o/client/token', `/echo?${encodeURIComponent(echo).slice(0, 200)}`]);
    if (random() < 0.2) headers['X-Echo'] = Buffer.from(echo).toString('base64').slice(0, 2000);
    if (r < 0.03) return; // hang: the request deadline ends it
    if (r < 0.06) return void res.socket?.destroy();
    if (r < 0.09) return void res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }).end(bomb);
    if (r < 0.11) return void res.writeHead(status, { ...headers, 'Content-Encoding': pick(['gzip', 'br', 'zstd']) }).end('not compressed');
    if (req.url?.startsWith('/o/client/register') && r < 0.85) {
      issued++;
      return void res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ client_id: `client-${issued}`, client_secret: `CANARY-secret-${seed}-${issued}-Zq`, client_id_issued_at: 1 }));
    }
    if (req.url?.startsWith('/o/client/token') && r < 0.85) {
      issued++;
      return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: `CANARY-token-${seed}-${issued}-Zq`, token_type: 'bearer', expires_in: pick([3600, 1, -5, 'x', null]) }));
    }
    const text = pick([
      JSON.stringify({ message: `you sent ${echo}`, code: 'invalid_request', action: 'none', status }),
      JSON.stringify({ decisions: [{ resource: null, authorized: 'yes', token: { serializedToken: echo } }] }),
      JSON.stringify({ profiles: { Cablevision: { attributes: { userID: { value: echo } } } }, logouts: null, requestor: 7 }),
      JSON.stringify(pick([null, [], {}, 0, '', 1e308, { __proto__: { polluted: true } }])),
      '{"requestor": {"id": "REF30", "mvpds": [', '1e400', deep(100_000), '<html><body>gateway says no</body></html>', '', '\u00ff\u00fe\u0000',
    ]);
    res.writeHead(status, headers).end(text);
  };

  const server: Server = createServer((req, res) => {
    requests++;
    let body = '';
    req.on('data', (c: Buffer) => {
      if (body.length < 65_536) body += c.toString('utf8');
    });
    req.on('end', () => answer(req, body, res));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('the check against a hostile host', () => {
  it.each(SEEDS)('seed %i: the run ends with an exit code, whole reports, known outcomes and no secret', async (seed) => {
    const host = await hostileHost(seed);
    const dir = await mkdtemp(join(tmpdir(), 'pass-hostile-'));
    try {
      const result = await runCheck({
        target: host.url, reportDir: dir, env: ENV, description, driftFile: false, includeStateChanging: true,
        requestTimeoutMs: 250, pace: { ratePerSecond: 1000, maxHoldMs: 5 }, maxRetries: 1,
      });
      expect([0, 1, 2]).toContain(result.exitCode);
      expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
      const files = Object.fromEntries(await Promise.all(['junit.xml', 'report.json', 'summary.md'].map(async (f) => [f, await readFile(join(dir, f), 'utf8')] as const)));
      const report = JSON.parse(files['report.json']!) as { results: { outcome: string }[] };
      expect(report.results.length).toBe(result.report.results.length);
      expect(report.results.filter((r) => !OUTCOMES.has(r.outcome))).toEqual([]);
      expect(XMLValidator.validate(files['junit.xml']!)).toBe(true);
      expect(new XMLParser().parse(files['junit.xml']!)).toHaveProperty('testsuites');
      for (const [name, text] of Object.entries(files)) {
        expect(text, name).not.toContain('CANARY');
        expect(text, name).not.toContain(STATEMENT.slice(30, 60));
      }
      console.log(`seed ${seed}: exit ${result.exitCode}, ${host.requests()} requests, ${JSON.stringify(result.counts)}`);
    } finally {
      await host.close();
    }
  }, 120_000);
});
