// A hostile Adobe host on loopback for the fuzz tests of the check and the proxy: every answer is
// drawn from a seeded PRNG — any status, any media type, bodies of the wrong shape, nulls,
// 100,000-deep arrays, truncated JSON, gzip bombs and bad gzip, HTML pages, Retry-After nonsense,
// redirects, what the request carried (its bearer token, its form with the client secret, its
// software statement) echoed in bodies and headers, hangs, resets before an answer and in the
// middle of one — and DCR answers that issue CANARY client secrets and tokens most of the time, so
// the runs get past registration.
// FUZZ_TRACE=1 prints each draw and answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { mulberry32 } from './prng.ts';

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));

export async function hostileHost(seed: number): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  const random = mulberry32(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let issued = 0;
  let requests = 0;
  const sockets = new Set<Socket>();

  /** What a broken or hostile host answers; `echo` is everything the request carried. */
  const answer = (req: IncomingMessage, body: string, res: ServerResponse): void => {
    if (process.env.FUZZ_TRACE) res.once('finish', () => process.stderr.write(`  → ${res.statusCode} ${String(res.getHeader('content-type'))} ${String(res.getHeader('content-encoding') ?? '')}\n`));
    const echo = `${req.headers.authorization ?? ''} ${body}`;
    const r = random();
    const status = pick([200, 201, 204, 302, 400, 401, 403, 404, 405, 429, 500, 502, 503, 504]);
    const headers: Record<string, string> = { 'Content-Type': pick(['application/json', 'application/json;charset=UTF-8', 'text/html', 'application/problem+json', 'text/plain']) };
    if (random() < 0.2) headers['Retry-After'] = pick(['0', '1', 'soon', '99999999999', 'Fri, 31 Dec 9999 23:59:59 GMT']);
    if (random() < 0.2) headers.Location = pick(['https://elsewhere.example/', '/o/client/token', `/echo?${encodeURIComponent(echo).slice(0, 200)}`]);
    if (random() < 0.2) headers['X-Echo'] = Buffer.from(echo).toString('base64').slice(0, 2000);
    if (process.env.FUZZ_TRACE) process.stderr.write(`  r=${r.toFixed(3)} ${JSON.stringify(headers).slice(0, 300)}\n`);
    if (r < 0.03) return; // hang: the request deadline ends it
    if (r < 0.05) return void res.socket?.destroy();
    if (r < 0.06) {
      // Breaks off mid-body: the head and part of a body arrive, then the connection is gone.
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json', 'Content-Length': '4096' });
      res.write('{"decisions":[{"resource":"REF30","authorized":tr');
      setTimeout(() => res.socket?.resetAndDestroy(), 5);
      return;
    }
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
    if (process.env.FUZZ_TRACE) process.stderr.write(`  text ${text.slice(0, 100)}\n`);
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
