// Proxy mode forwards real calls byte for byte, passes redirects back instead of following them,
// bounds the upstream, records upstream failures, and keeps every credential out of its report.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, get as httpGet, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startProxy, type RunningProxy } from '../../src/proxy/server.ts';
import { startFakeAdobe } from '../support/fake-adobe/index.ts';
import { startForwardProxy } from '../support/forward-proxy.ts';
import { startIdleClosingFront } from '../support/idle-closing-front.ts';
import { startTlsFront, TLS_CERT } from '../support/tls-front.ts';
import { projectRoot } from '../../src/description/document.ts';

const device = { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': 'e30=' };
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler!(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits };
}

async function proxyTo(upstream: string, extra: Partial<Parameters<typeof startProxy>[0]> = {}): Promise<{ proxy: RunningProxy; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'pass-proxy-'));
  const proxy = await startProxy({ upstream, port: 0, reportDir: dir, ...extra });
  cleanup.push(() => proxy.close());
  return { proxy, dir };
}

/** A promise with its resolve and reject (Promise.withResolvers needs Node 22). */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const reportFiles = async (dir: string) => Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f), 'utf8')));

/** A logout through the proxy read with node:http, which does not decompress: the bytes and headers the proxy sent. */
const rawLogout = (proxyUrl: string) => new Promise<{ raw: Buffer; headers: IncomingMessage['headers'] }>((resolve, reject) => {
  httpGet(`${proxyUrl}/api/v2/REF30/logout/Dish?redirectUrl=https%3A%2F%2Fadobe.com`, { headers: device }, (res: IncomingMessage) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve({ raw: Buffer.concat(chunks), headers: res.headers }));
  }).on('error', reject);
});

describe('pass-contract proxy', () => {
  it('finds a gzip body that is not UTF-8 (an MVPD name in Latin-1), and forwards its bytes unchanged', async () => {
    // "Vidéotron" in Latin-1: é is the one byte 0xE9.
    const plain = Buffer.from('{"logouts":{"Dish":{"actionName":"logout","actionType":"interactive","mvpd":"Dish","url":"https://adobe.com"}},"n":"Vidéotron"}', 'latin1');
    const gz = gzipSync(plain);
    const up = await listen((_, res) => res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Encoding': 'gzip' }).end(gz));
    const { proxy, dir } = await proxyTo(up.url);
    expect((await rawLogout(proxy.url)).raw.equals(gz)).toBe(true);
    await proxy.close();
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { results: { drifts: { rule: string; pointer: string; actual: string }[] }[] };
    const offset = plain.indexOf(0xe9);
    expect(report.results[0]!.drifts.filter((d) => d.rule === 'body-not-utf8').map((d) => [d.pointer, d.actual])).toEqual([['/n', `byte 0xE9 at offset ${offset}`]]);
  });

  it('reports the time it has run, not a negative one, after the wall clock steps back an hour (NTP)', async () => {
    const up = await listen((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"logouts":{}}'));
    const { proxy, dir } = await proxyTo(up.url);
    const wall = Date.now.bind(Date);
    const step = vi.spyOn(Date, 'now').mockImplementation(() => wall() - 3_600_000);
    cleanup.push(async () => step.mockRestore());
    const res = await fetch(`${proxy.url}/api/v2/REF30/logout/Dish?redirectUrl=https%3A%2F%2Fadobe.com`, { headers: device });
    await res.arrayBuffer();
    await proxy.flush();
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { durationMs: number; results: unknown[] };
    expect(report.results).toHaveLength(1);
    expect(report.durationMs).toBeGreaterThan(0);
    expect(report.durationMs).toBeLessThan(60_000);
  });

  it('forwards the upstream bytes unchanged (gzip, odd spacing) and checks the decoded body', async () => {
    const bytes = gzipSync(Buffer.from('{ "logouts" :{"Dish":{"actionName":"logout","actionType":"interactive","mvpd":"Dish"}}}\n'));
    const up = await listen((_, res) => res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Encoding': 'gzip', 'X-Upstream': 'yes' }).end(bytes));
    const { proxy, dir } = await proxyTo(up.url);
    const got = await rawLogout(proxy.url);
    expect(got.raw.equals(bytes)).toBe(true);
    expect(got.headers['x-upstream']).toBe('yes');
    expect(got.headers['content-encoding']).toBe('gzip');
    expect(up.hits).toEqual(['GET /api/v2/REF30/logout/Dish?redirectUrl=https%3A%2F%2Fadobe.com']);
    await proxy.flush();
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(report.mode).toBe('proxy');
    expect(report.results[0].drifts.map((d: { rule: string; pointer: string }) => [d.rule, d.pointer])).toContainEqual(['field-missing', '/logouts/Dish/url']);
  });

  it('judges a body that starts with a UTF-8 byte order mark as check and fetch read it: the mark ignored', async () => {
    // RFC 8259 §8.1 lets a parser ignore it; fetch's text() and json() drop it, and so does check's reader.
    const json = '{"logouts":{"Dish":{"actionName":"logout","actionType":"interactive","mvpd":"Dish"}}}';
    const reports: unknown[] = [];
    for (const body of [Buffer.from(json), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)])]) {
      const up = await listen((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body));
      const { proxy, dir } = await proxyTo(up.url);
      const answer = await fetch(`${proxy.url}/api/v2/REF30/logout/Dish?redirectUrl=https%3A%2F%2Fadobe.com`, { headers: device });
      expect(Buffer.from(await answer.arrayBuffer()).equals(body)).toBe(true);
      await proxy.flush();
      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
      reports.push(report.results.map((r: { outcome: string; drifts: { rule: string; pointer: string }[] }) => [r.outcome, r.drifts.map((d) => `${d.rule} ${d.pointer}`)]));
    }
    expect(reports[0]).toEqual([['drift', ['field-missing /logouts/Dish/url']]]);
    expect(reports[1]).toEqual(reports[0]);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('forwards a %s body that decodes past maxBytes, and records it unchecked without decoding it all', async (coding, encode) => {
    // A decompression bomb: 8 MiB of JSON that travels as a few KiB.
    const bytes = encode(Buffer.from(JSON.stringify({ logouts: { Dish: { pad: ' '.repeat(8 * 1024 * 1024) } } })));
    expect(bytes.byteLength).toBeLessThan(100_000);
    const up = await listen((_, res) => res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': coding }).end(bytes));
    const { proxy, dir } = await proxyTo(up.url, { maxBytes: 100_000 });
    expect((await rawLogout(proxy.url)).raw.equals(bytes)).toBe(true);
    await proxy.flush();
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(report.results[0]).toMatchObject({ outcome: 'error', error: `${coding} body of ${bytes.byteLength} bytes forwarded but not checked (it decodes to over 100000 bytes)` });
  });

  it('records a 503 from a gateway as an error, not as drift, and forwards it', async () => {
    const up = await listen((_, res) => res.writeHead(503, { 'Content-Type': 'text/html' }).end('<html>Service Unavailable</html>'));
    const { proxy, dir } = await proxyTo(up.url);
    const res = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: device });
    expect([res.status, await res.text()]).toEqual([503, '<html>Service Unavailable</html>']);
    await proxy.flush();
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(report.results[0]).toMatchObject({ operationId: 'retrieveConfiguration', outcome: 'error', status: 503, drifts: [] });
  });

  it('passes a redirect back to the client instead of following it', async () => {
    const elsewhere = await listen((_, res) => res.writeHead(200).end('followed'));
    const up = await listen((_, res) => res.writeHead(302, { Location: `${elsewhere.url}/login?state=1` }).end());
    const { proxy } = await proxyTo(up.url);
    const res = await fetch(`${proxy.url}/api/v2/authenticate/REF30/ABC123`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`${elsewhere.url}/login?state=1`);
    expect(elsewhere.hits).toEqual([]);
  });

  it('answers 504 when the upstream hangs, and records the failure (the verdict is not "no drift")', async () => {
    const up = await listen(() => undefined); // never answers
    const { proxy, dir } = await proxyTo(up.url, { timeoutMs: 300 });
    const res = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: device });
    expect(res.status).toBe(504);
    const verdict = await proxy.close();
    expect(verdict.exitCode).toBe(2);
    expect(verdict.headline).not.toContain('no drift');
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(report.results[0]).toMatchObject({ operationId: 'retrieveConfiguration', outcome: 'error' });
    expect(report.results[0].error).toMatch(/timeout/);
  });

  it('learns and redacts every credential in the traffic, even from a host that echoes them', async () => {
    const statement = `eyJhbGciOiJSUzI1NiJ9.${'UFJPWFktQ0FOQVJZ'.repeat(20)}.c2ln`;
    const host = await startFakeAdobe({ throttle: false, echo: true, softwareStatement: statement });
    cleanup.push(() => host.close());
    const { proxy, dir } = await proxyTo(host.baseUrl);
    const post = (path: string, body: string, type: string) => fetch(`${proxy.url}${path}`, { method: 'POST', headers: { 'Content-Type': type, 'X-Device-Info': 'e30=' }, body });
    const reg = (await (await post('/o/client/register', JSON.stringify({ software_statement: statement }), 'application/json')).json()) as { client_id: string; client_secret: string };
    const tok = (await (await post('/o/client/token', new URLSearchParams({ client_id: reg.client_id, client_secret: reg.client_secret, grant_type: 'client_credentials' }).toString(), 'application/x-www-form-urlencoded')).json()) as { access_token: string };
    const config = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: { ...device, Authorization: `Bearer ${tok.access_token}` } });
    expect(config.status).toBe(200);
    await proxy.close();
    const secrets = [statement, reg.client_id, reg.client_secret, tok.access_token];
    for (const text of await reportFiles(dir)) {
      for (const s of secrets) {
        expect(text.includes(s)).toBe(false);
        expect(text.includes(s.slice(0, 16))).toBe(false); // not even a prefix
      }
    }
  });
  it('streams a request body over maxBytes upstream instead of buffering it whole', async () => {
    const maxBytes = 64 * 1024;
    const chunk = Buffer.alloc(maxBytes + 1, 'a');
    let received = 0;
    const firstBytes = deferred<void>();
    const up = await listen((req, res) => {
      const hash = createHash('sha256');
      req.on('data', (c: Buffer) => {
        received += c.length;
        hash.update(c);
        firstBytes.resolve();
      });
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`${received} ${hash.digest('hex')}`));
    });
    const { proxy } = await proxyTo(up.url, { maxBytes });
    const answer = deferred<string>();
    const req = httpRequest(`${proxy.url}/upload`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (t: string) => (text += t)).on('end', () => answer.resolve(text));
    });
    req.on('error', answer.reject);
    const sent = createHash('sha256');
    req.write(chunk);
    sent.update(chunk);
    // The client holds the rest back until the upstream has seen the start: a proxy that waits for
    // the whole body before it connects never gets there.
    const guard = setTimeout(() => firstBytes.reject(new Error('the upstream saw no byte while the client held the rest of the body back')), 5_000);
    await firstBytes.promise.finally(() => clearTimeout(guard));
    for (let i = 0; i < 16; i++) {
      req.write(chunk);
      sent.update(chunk);
    }
    req.end();
    expect(await answer.promise).toBe(`${17 * chunk.length} ${sent.digest('hex')}`);
  });

  it('streams a body whose Content-Length is over maxBytes upstream intact, with its length', async () => {
    const up = await listen((req, res) => {
      const hash = createHash('sha256');
      let received = 0;
      req.on('data', (c: Buffer) => {
        received += c.length;
        hash.update(c);
      });
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`${req.headers['content-length']} ${received} ${hash.digest('hex')}`));
    });
    const { proxy } = await proxyTo(up.url, { maxBytes: 1024 });
    const body = Buffer.alloc(300 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) & 0xff;
    const r = await fetch(`${proxy.url}/upload`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body, signal: AbortSignal.timeout(10_000) });
    expect(await r.text()).toBe(`${body.length} ${body.length} ${createHash('sha256').update(body).digest('hex')}`);
  });

  it('holds a fast upstream back while the client does not read, then delivers every byte', async () => {
    const block = Buffer.alloc(64 * 1024);
    for (let i = 0; i < block.length; i++) block[i] = i % 251;
    const blocks = 768; // 48 MiB: more than the sockets between upstream, proxy and client can hold
    let written = 0;
    let stalled: () => void = () => undefined;
    const up = await listen((_, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blocks * block.length) });
      const pump = () => {
        while (written < blocks) {
          written++;
          if (!res.write(block)) {
            // Blocked: tell the test if no drain comes soon (it never does while nobody reads).
            const wait = setTimeout(() => stalled(), 300);
            res.once('drain', () => {
              clearTimeout(wait);
              pump();
            });
            return;
          }
        }
        res.end();
        stalled(); // everything went through: nothing held the upstream back
      };
      pump();
    });
    const { proxy } = await proxyTo(up.url, { maxBytes: 1024 });
    const held = new Promise<void>((resolve) => (stalled = resolve));
    const response = await new Promise<IncomingMessage>((resolve, reject) => httpGet(`${proxy.url}/download`, resolve).on('error', reject));
    response.pause();
    await held;
    expect(written).toBeLessThan(blocks / 2);
    let size = 0;
    let intact = true;
    for await (const c of response) {
      const bytes = c as Buffer;
      for (let i = 0; i < bytes.length; i++) if (bytes[i] !== (size + i) % (64 * 1024) % 251) intact = false;
      size += bytes.length;
    }
    expect(size).toBe(blocks * block.length);
    expect(intact).toBe(true);
  });
  it('forwards a path with a bad %-escape and checks the answer against its operation', async () => {
    const up = await listen((_, res) => res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'not an enhanced error' })));
    const { proxy, dir } = await proxyTo(up.url);
    const res = await fetch(`${proxy.url}/api/v2/REF30/logout/%E0%A4?redirectUrl=https%3A%2F%2Fadobe.com`, { headers: device });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'not an enhanced error' });
    expect(up.hits).toEqual(['GET /api/v2/REF30/logout/%E0%A4?redirectUrl=https%3A%2F%2Fadobe.com']);
    await proxy.flush();
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ operationId: 'initiateLogout', status: 400, outcome: 'drift' });
  });
});

describe('pass-contract proxy behind the proxy the environment names', () => {
  const PASSWORD = 'CANARY-proxy-password-9e1c';
  const CREDENTIALS = `Basic ${Buffer.from(`dev:${PASSWORD}`).toString('base64')}`;
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const behind = async (expect?: string) => {
    const forward = await startForwardProxy({ ...(expect ? { expect } : {}) });
    cleanup.push(() => forward.close());
    const url = new URL(forward.url);
    url.username = 'dev';
    url.password = PASSWORD;
    process.env.HTTP_PROXY = url.href;
    process.env.HTTPS_PROXY = url.href;
    delete process.env.NO_PROXY;
    return forward;
  };

  /** The fake host behind a TLS front end this machine does not trust, reached through the forward proxy. */
  const httpsHostBehindProxy = async () => {
    const host = await startFakeAdobe({ throttle: false });
    cleanup.push(() => host.close());
    const tls = await startTlsFront(host.baseUrl);
    cleanup.push(() => tls.close());
    return { host, tls, forward: await behind(CREDENTIALS) };
  };

  it('reaches its upstream through a CONNECT tunnel with the credentials, and writes the password nowhere', async () => {
    const host = await startFakeAdobe({ throttle: false });
    cleanup.push(() => host.close());
    const forward = await behind(CREDENTIALS);
    const record = join(await mkdtemp(join(tmpdir(), 'pass-proxy-har-')), 'traffic.har');
    const { proxy, dir } = await proxyTo(host.baseUrl, { record });
    const answer = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: device });
    expect(answer.status).toBe(401); // the fake host's answer without a token: it came through the tunnel
    expect(forward.tunnels).toEqual([{ target: new URL(host.baseUrl).host, authorization: CREDENTIALS }]);
    expect(host.received.length).toBe(1);
    await proxy.close();
    for (const text of [...(await reportFiles(dir)), await readFile(record, 'utf8')]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(CREDENTIALS.slice('Basic '.length));
    }
  });

  it('keeps a tunnel for the next requests, and sends a GET again through a new one when the host dropped it while idle', async () => {
    const host = await startFakeAdobe({ throttle: false });
    cleanup.push(() => host.close());
    // A front end that drops connections idle for 300 ms: what a tunnel kept in the pool meets.
    const front = await startIdleClosingFront(host.baseUrl, 300);
    cleanup.push(() => front.close());
    const forward = await behind(CREDENTIALS);
    const { proxy } = await proxyTo(front.url);
    const ask = async () => {
      const answer = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: device });
      await answer.text();
      return answer.status;
    };
    // One after the other, with no pause: one tunnel (a CONNECT and, to Adobe, a TLS handshake) for all.
    expect([await ask(), await ask(), await ask()]).toEqual([401, 401, 401]);
    expect(forward.tunnels).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 350));
    expect(await ask()).toBe(401);
    expect(front.dropped()).toBe(1);
    expect(forward.tunnels).toHaveLength(2);
    expect(host.received).toHaveLength(4);
  });

  it('an https upstream: TLS runs inside the tunnel (a certificate this machine does not trust is named, with NODE_EXTRA_CA_CERTS)', async () => {
    const { host, tls, forward } = await httpsHostBehindProxy();
    const { proxy } = await proxyTo(tls.url);
    const answer = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: device });
    expect(answer.status).toBe(502);
    expect(await answer.text()).toBe("pass-contract proxy: upstream failed (the host's TLS certificate is not trusted here (DEPTH_ZERO_SELF_SIGNED_CERT); if a proxy inspects TLS on this network, give Node its CA certificate: NODE_EXTRA_CA_CERTS=/path/to/ca.pem)");
    expect(forward.tunnels).toEqual([{ target: new URL(tls.url).host, authorization: CREDENTIALS }]);
    expect(host.received).toEqual([]);
  });

  it('the command, trusting the https host\'s CA: one tunnel and one TLS handshake for its requests, the host\'s answers passed on', async () => {
    const { host, tls, forward } = await httpsHostBehindProxy();
    const dir = await mkdtemp(join(tmpdir(), 'pass-proxy-https-'));
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/bin.ts'), 'proxy', '--upstream', tls.url, '--port', '0', '--report', dir], {
      cwd: projectRoot, env: { ...process.env, NODE_EXTRA_CA_CERTS: TLS_CERT }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    cleanup.push(async () => {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let output = '';
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const listening = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        output += c.toString();
        const m = /proxy listening on (http:\/\/\S+)/.exec(output);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`the proxy exited ${code}: ${output}`)));
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await fetch(`${listening}/api/v2/REF30/configuration`, { headers: device });
      await answer.text();
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([401, 401, 401]);
    expect(host.received).toHaveLength(3);
    expect(forward.tunnels).toEqual([{ target: new URL(tls.url).host, authorization: CREDENTIALS }]);
    expect(tls.handshakes()).toBe(1);
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(output).not.toContain(PASSWORD);
    for (const report of await reportFiles(dir)) expect(report).not.toContain(PASSWORD);
  }, 70_000);

  it('a proxy that refuses the tunnel (and echoes the credentials): a 502 that says so, nothing passed on as the host\'s answer', async () => {
    const host = await startFakeAdobe({ throttle: false });
    cleanup.push(() => host.close());
    await behind('Basic c29tZW9uZS1lbHNl');
    const { proxy, dir } = await proxyTo(host.baseUrl);
    const answer = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: device });
    expect(answer.status).toBe(502);
    const text = await answer.text();
    expect(text).toBe('pass-contract proxy: upstream failed (the proxy refused the tunnel: HTTP 407 (Proxy Authentication Required: check the user and password in the proxy URL))');
    expect(text).not.toContain(PASSWORD);
    expect(host.received).toEqual([]);
    await proxy.close();
    for (const report of await reportFiles(dir)) expect(report).not.toContain(CREDENTIALS.slice('Basic '.length));
  });
});
