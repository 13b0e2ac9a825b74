// Our servers (the mock, the proxy) against hostile clients on loopback: a client that streams a
// body without end, one that stops sending mid-body, one that leaves in the middle of an answer.
// A client that stops reading its answers (the mock's, the proxy's) is let go after the send timeout.
// Each must be answered or let go within the server's own bounds, and stopping the server must not
// wait for such a client. (The simulator's edge is in tests/simulator/server.test.ts, the body
// reader itself in body.test.ts.)
import { mkdir, mkdtemp } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDescription } from '../../src/description/index.ts';
import { startMock } from '../../src/mock/server.ts';
import { startProxy } from '../../src/proxy/server.ts';
import { unchangedFor, unreadClient } from '../support/unread-client.ts';

const description = loadDescription();
const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A promise and its resolve (Promise.withResolvers needs Node 22). */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A raw TCP client to `url` (closed after the test), and a promise of everything it reads until the server closes. */
async function rawClient(url: string): Promise<{ socket: Socket; received: Promise<string> }> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  cleanup.push(() => void socket.destroy());
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  let text = '';
  socket.setEncoding('latin1').on('data', (d: string) => (text += d));
  const received = new Promise<string>((r) => socket.once('close', () => r(text)));
  return { socket, received };
}

/** A loopback server of the test's own (an upstream for the proxy), closed after the test. */
async function upstream(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * An upstream that streams an answer larger than any socket buffer (256 MiB), as fast as it is
 * read; `upstreamDone` says, once its connection closed, whether it had written it all.
 */
async function endlessUpstream(): Promise<{ up: { url: string }; upstreamDone: Promise<boolean> }> {
  const done = deferred<boolean>();
  const up = await upstream((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let sent = 0;
    const more = () => {
      while (!res.destroyed && sent < 256 * 1024 * 1024) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', more);
      }
    };
    res.on('close', () => done.resolve(res.writableFinished));
    more();
  });
  return { up, upstreamDone: done.promise };
}

/** The servers' send timeout in these tests (ms): a client whose answer stands still this long is let go. */
const SEND_TIMEOUT_MS = 300;

const DEVICE = 'AP-Device-Identifier: fingerprint ZGV2aWNl\r\nX-Device-Info: e30=\r\n';

describe('the mock', () => {
  it('answers a body that never ends: it drops only a bounded part of the excess before answering and closing', async () => {
    const mock = await startMock({ port: 0, description, maxBodyBytes: 1024 });
    cleanup.push(() => mock.close());
    // A client streaming a chunked body as fast as the mock takes it, up to 128 MiB, then ending it:
    // how much it had sent when the answer (or the end of the connection) came.
    const CAP = 128 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const outcome = await new Promise<{ sent: number; status?: number }>((resolve) => {
      let sent = 0;
      let settled = false;
      const settle = (status?: number) => {
        if (settled) return;
        settled = true;
        resolve({ sent, ...(status !== undefined ? { status } : {}) });
        req.destroy();
      };
      const req = request(`${mock.url}/o/client/register`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Info': 'e30=' } }, (res) => settle(res.statusCode));
      req.on('error', () => settle());
      req.on('close', () => settle());
      const more = () => {
        while (!settled && sent < CAP) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', more);
        }
        if (!settled) req.end();
      };
      more();
    });
    // The drop is bounded by the mock (a few times its cap), not by the client: what the client sent
    // beyond that is only what loopback socket buffers hold.
    expect(outcome.sent).toBeLessThan(32 * 1024 * 1024);
    if (outcome.status !== undefined) expect(outcome.status).toBe(400);
  });

  it('stops without waiting for a client that stopped sending mid-body', async () => {
    const mock = await startMock({ port: 0, description });
    const slow = await rawClient(mock.url);
    slow.socket.write(`POST /o/client/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${DEVICE}Content-Length: 1000\r\n\r\n{"software_statement":"`);
    // A whole exchange on another connection: by its end the mock has read the slow one's headers.
    const r = await fetch(`${mock.url}/api/v2/REF30/logout/Dish?redirectUrl=https%3A%2F%2Fadobe.com`, { headers: { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': 'e30=' } });
    await r.text();
    // Node stops enforcing requestTimeout once close() begins: a close that waits for the slow client never ends.
    await mock.close();
    expect(await slow.received).toBe('');
  });

  it('closes the connection of a client that pipelines requests and stops reading the answers', async () => {
    let answered = 0;
    const mock = await startMock({ port: 0, description, sendTimeoutMs: SEND_TIMEOUT_MS, onRequest: () => void answered++ });
    cleanup.push(() => mock.close());
    const client = await unreadClient(mock.url);
    cleanup.push(() => void client.socket.destroy());
    // More answers than loopback's buffers hold (≈4.4 MB): the mock stops when they are full.
    const N = 20_000;
    client.socket.write(`GET /api/v2/REF30/configuration HTTP/1.1\r\nHost: x\r\n${DEVICE}Authorization: Bearer t\r\n\r\n`.repeat(N));
    // Still for four send timeouts: the mock has given up on the connection by then.
    await unchangedFor(() => answered, 4 * SEND_TIMEOUT_MS);
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThan(N);
    // Read again: what the buffers held, then the end. Still connected, it would get all N answers.
    const stalledAt = answered;
    expect(await client.readToClose()).toBeGreaterThan(0);
    expect(answered).toBe(stalledAt);
  });
});

describe('the proxy', () => {
  it('answers 408 to a client that stops sending mid-body, within its timeout, and sends nothing upstream', async () => {
    const hits: string[] = [];
    const up = await upstream((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(200).end();
    });
    const proxy = await startProxy({ upstream: up.url, port: 0, reportDir: await mkdtemp(join(tmpdir(), 'pass-http-proxy-')), description, timeoutMs: 300 });
    cleanup.push(() => proxy.close());
    const slow = await rawClient(proxy.url);
    // The headers and the first bytes of a 1000-byte body, then nothing: Node's own requestTimeout would wait 300 s.
    slow.socket.write(`POST /o/client/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${DEVICE}Content-Length: 1000\r\n\r\n{"software_statement":"`);
    const answer = await slow.received;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(hits).toEqual([]);
  });

  it('lets the upstream go when the client leaves in the middle of an answer, and reports no upstream failure', async () => {
    const { up, upstreamDone } = await endlessUpstream();
    // A deadline far beyond the test's: only the client leaving can end the upstream's answer in time.
    const proxy = await startProxy({ upstream: up.url, port: 0, reportDir: await mkdtemp(join(tmpdir(), 'pass-http-proxy-')), description, timeoutMs: 600_000 });
    cleanup.push(() => proxy.close());
    const client = await rawClient(proxy.url);
    client.socket.write(`GET /api/v2/REF30/configuration HTTP/1.1\r\nHost: x\r\n${DEVICE}Authorization: Bearer t\r\n\r\n`);
    // It reads the status line, stops reading, and goes away.
    await new Promise<void>((r) => client.socket.once('data', () => r()));
    client.socket.pause();
    client.socket.destroy();
    // The upstream's answer ends unfinished: the proxy closed its connection.
    expect(await upstreamDone).toBe(false);
    // The exchange is not the upstream's failure: the report holds no entry for it.
    await new Promise((r) => setImmediate(r));
    expect(proxy.results.map((r) => `${r.outcome}: ${r.error ?? ''}`)).toEqual([]);
  });

  it('lets a client that stops reading go, and its upstream with it, long before the upstream deadline', async () => {
    const { up, upstreamDone } = await endlessUpstream();
    const proxy = await startProxy({ upstream: up.url, port: 0, reportDir: await mkdtemp(join(tmpdir(), 'pass-http-proxy-')), description, timeoutMs: 600_000, sendTimeoutMs: SEND_TIMEOUT_MS });
    cleanup.push(() => proxy.close());
    // Connected all along, reading nothing: only the proxy's send timeout can end this in time.
    const client = await unreadClient(proxy.url);
    cleanup.push(() => void client.socket.destroy());
    client.socket.write(`GET /api/v2/REF30/configuration HTTP/1.1\r\nHost: x\r\n${DEVICE}Authorization: Bearer t\r\n\r\n`);
    expect(await upstreamDone).toBe(false);
    const received = await client.readToClose();
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(256 * 1024 * 1024);
    await new Promise((r) => setImmediate(r));
    expect(proxy.results.map((r) => `${r.outcome}: ${r.error ?? ''}`)).toEqual([]);
  });

  it('keeps a client waiting quietly for an upstream slower than its send timeout', async () => {
    const up = await upstream((_req, res) => void setTimeout(() => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('late'), 5 * SEND_TIMEOUT_MS));
    const proxy = await startProxy({ upstream: up.url, port: 0, reportDir: await mkdtemp(join(tmpdir(), 'pass-http-proxy-')), description, sendTimeoutMs: SEND_TIMEOUT_MS });
    cleanup.push(() => proxy.close());
    const answer = await fetch(`${proxy.url}/not-described`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('late');
  });

  it('that cannot write its first report fails to start and leaves nothing listening on its port', async () => {
    const reportDir = await mkdtemp(join(tmpdir(), 'pass-http-proxy-'));
    // A folder where the proxy writes junit.xml: the first report cannot be written.
    await mkdir(join(reportDir, 'junit.xml'));
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(startProxy({ upstream: 'http://127.0.0.1:9', port, reportDir, description })).rejects.toThrow(/EISDIR|directory/i);
    // The port is free again: the proxy's server was closed.
    const again = createServer();
    cleanup.push(() => new Promise<void>((r) => again.close(() => r())));
    await expect(new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', () => resolve());
    })).resolves.toBeUndefined();
  });
});
