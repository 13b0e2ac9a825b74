// closeStalledWrites (nginx's send_timeout) on a bare node:http server, against clients of the
// test's making on loopback: one that stops reading a body larger than the kernel's buffers, one
// that reads it slowly in bursts, one that waits quietly for a slow answer, and idle ones. Only the
// first may be cut off; Node's own closing of idle connections must survive the listener.
// (Each of our servers wiring it is tested in servers.test.ts and the simulator's server test.)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { closeStalledWrites } from '../../src/http/stalled-writes.ts';
import { unreadClient, type UnreadClient } from '../support/unread-client.ts';

const SEND_TIMEOUT_MS = 300;
/** Larger than loopback's socket buffers on both ends (they grew to ≈4.4 MB in a probe). */
const BIG = 24 * 1024 * 1024;

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A server of the test's (with closeStalledWrites unless `bare`), closed after the test. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, o: { bare?: boolean; keepAliveTimeout?: number } = {}): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  if (o.keepAliveTimeout !== undefined) server.keepAliveTimeout = o.keepAliveTimeout;
  if (!o.bare) closeStalledWrites(server, SEND_TIMEOUT_MS);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A client of the test's (closed after it), paused: it reads only once resumed. */
async function client(port: number): Promise<UnreadClient> {
  const c = await unreadClient(`http://127.0.0.1:${port}`);
  cleanup.push(() => c.socket.destroy());
  return c;
}

/** Answers every request with BIG bytes in one write; `ended` settles when the server is done with the answer. */
function bigAnswers(): { handler: (req: IncomingMessage, res: ServerResponse) => void; ended: Promise<'ended'> } {
  let resolve!: (how: 'ended') => void;
  const ended = new Promise<'ended'>((r) => (resolve = r));
  return {
    ended,
    handler: (_req, res) => {
      // 'close' comes both after the last byte went to the kernel and after the connection was destroyed.
      res.once('close', () => resolve('ended'));
      res.writeHead(200, { 'Content-Length': String(BIG) }).end(Buffer.alloc(BIG, 'x'));
    },
  };
}

const GET = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';

describe('closeStalledWrites', () => {
  it('closes the connection of a client that stopped reading, which Node alone holds for ever', async () => {
    // The adversary without the bound: after six periods the answer is still neither written nor let go.
    const held = bigAnswers();
    const bare = await serve(held.handler, { bare: true });
    const idle = await client(bare.port);
    idle.socket.write(GET);
    expect(await Promise.race([held.ended, sleep(6 * SEND_TIMEOUT_MS, 'still writing' as const)])).toBe('still writing');

    const cut = bigAnswers();
    const bounded = await serve(cut.handler);
    const stalled = await client(bounded.port);
    stalled.socket.write(GET);
    await cut.ended;
    // What the kernel's buffers held, then the end: the server let the rest of the answer go.
    const received = await stalled.readToClose();
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(BIG);
  });

  it('keeps a client that reads slowly, in bursts with pauses shorter than the bound, until it has the whole answer', async () => {
    const big = bigAnswers();
    const { port } = await serve(big.handler);
    const reader = await client(port);
    let received = 0;
    let nextPause = 1024 * 1024;
    let pauses = 0;
    const done = new Promise<void>((resolve) => {
      reader.socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= BIG) return resolve();
        if (received < nextPause) return;
        // Every MiB, a pause of half the bound: the server's writes stand still in between.
        nextPause += 1024 * 1024;
        pauses++;
        reader.socket.pause();
        setTimeout(() => reader.socket.resume(), SEND_TIMEOUT_MS / 2);
      });
      reader.socket.resume();
    });
    reader.socket.write(GET);
    await done;
    expect(await Promise.race([big.ended, reader.closed.then(() => 'closed' as const)])).toBe('ended');
    expect(reader.socket.destroyed).toBe(false);
    // The whole transfer lasted many times the bound (a bound on the whole answer would have cut it).
    expect(pauses * (SEND_TIMEOUT_MS / 2)).toBeGreaterThan(4 * SEND_TIMEOUT_MS);
    expect(received).toBeGreaterThanOrEqual(BIG);
  });

  it('keeps a connection that is quiet while its answer is worked on, for many periods', async () => {
    const { port } = await serve((_req, res) => void setTimeout(() => res.writeHead(200, { 'Content-Length': '2' }).end('ok'), 5 * SEND_TIMEOUT_MS));
    const waiting = await client(port);
    let text = '';
    const answered = new Promise<'answered'>((resolve) => {
      waiting.socket.setEncoding('latin1').on('data', (d: string) => {
        text += d;
        if (text.endsWith('ok')) resolve('answered');
      });
      waiting.socket.resume();
    });
    waiting.socket.write(GET);
    expect(await Promise.race([answered, waiting.closed.then(() => 'closed first' as const)])).toBe('answered');
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('still lets Node close idle connections: after keep-alive expiry, and one that never sent a request', async () => {
    const { port } = await serve((_req, res) => res.writeHead(200, { 'Content-Length': '2' }).end('ok'), { keepAliveTimeout: 100 });
    const kept = await client(port);
    let text = '';
    kept.socket.setEncoding('latin1').on('data', (d: string) => (text += d)).resume();
    kept.socket.write(GET);
    // The listener must not keep it: without its idle branch, this connection would stay open for ever.
    await kept.closed;
    expect(text).toMatch(/^HTTP\/1\.1 200 [^]*ok$/);
    const silent = await client(port);
    expect(await silent.readToClose()).toBe(0);
  });
});
