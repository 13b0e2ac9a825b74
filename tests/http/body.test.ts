// The bounded request-body reader every server of ours uses, against real sockets: a body within
// the cap, one over it (reading stops, the rest stays readable for a proxy to stream on, or is
// dropped, or refused with 413 before the client has sent it), a client that stops sending or goes
// away mid-body, and a server that cancels the reading.
import { createServer, request, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { discardBody, readBody } from '../../src/http/body.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/**
 * A server that hands each request to `onRequest` (answering 204 when it returns and has not
 * answered itself, destroying the socket when it throws), and where it listens.
 */
async function serve(onRequest: (req: IncomingMessage, res: ServerResponse) => Promise<void>, options: ServerOptions = {}): Promise<string> {
  server = createServer(options, (req, res) => {
    onRequest(req, res).then(() => void (res.headersSent || res.writeHead(204).end()), () => res.destroy());
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** How many listeners `req` has for the events a reader uses. */
const listeners = (req: IncomingMessage) => ['data', 'end', 'error', 'close'].map((e) => req.listenerCount(e)).join(',');

/** Sends `chunks` as one POST body, each as its own write; resolves with the answer's status. */
function post(url: string, chunks: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST' }, (res) => resolve((res.resume(), res.statusCode!)));
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

const bytes = (n: number, fill = 'a') => Buffer.alloc(n, fill);

/** A promise and its resolve (Promise.withResolvers needs Node 22). */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('readBody()', () => {
  it('reads a body within the cap whole, an empty one as no bytes, one of exactly the cap as complete', async () => {
    const reads: { length: number; tooLarge: boolean; text: string }[] = [];
    const url = await serve(async (req) => {
      const r = await readBody(req, 1024);
      reads.push({ length: r.bytes.length, tooLarge: r.tooLarge, text: r.bytes.subarray(0, 5).toString() });
    });
    await post(url, [Buffer.from('héllo'), bytes(10)]);
    await post(url, []);
    await post(url, [bytes(1000), bytes(24, 'b')]);
    expect(reads).toEqual([
      { length: Buffer.byteLength('héllo') + 10, tooLarge: false, text: 'héll' },
      { length: 0, tooLarge: false, text: '' },
      { length: 1024, tooLarge: false, text: 'aaaaa' },
    ]);
  });

  it('stops past the cap with what came so far, leaving the rest unread for the caller to stream on', async () => {
    const sent = Buffer.concat([bytes(3000, 'x'), bytes(3000, 'y'), bytes(3000, 'z')]);
    let head: Buffer | undefined;
    let rest: Buffer | undefined;
    const url = await serve(async (req) => {
      const r = await readBody(req, 4096);
      expect(r.tooLarge).toBe(true);
      expect(req.isPaused()).toBe(true);
      head = r.bytes;
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      rest = Buffer.concat(chunks);
    });
    expect(await post(url, [sent.subarray(0, 3000), sent.subarray(3000, 6000), sent.subarray(6000)])).toBe(204);
    // It kept no more than the chunk that went over, and nothing is lost between head and rest.
    expect(head!.length).toBeGreaterThan(4096);
    expect(head!.length).toBeLessThan(sent.length);
    expect(Buffer.concat([head!, rest!]).equals(sent)).toBe(true);
  });

  it('with discardBody, answers only once the client has sent the whole body', async () => {
    const events: string[] = [];
    const overLimit = deferred<void>();
    const url = await serve(async (req) => {
      const r = await readBody(req, 100);
      events.push(`read tooLarge=${r.tooLarge}`);
      overLimit.resolve();
      events.push(`discarded whole=${await discardBody(req, 1 << 20)}`);
    });
    const answered = new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST' }, (res) => resolve((res.resume(), res.statusCode!)));
      req.on('error', reject);
      req.write(bytes(500));
      // The rest only after the server has seen the first part go over.
      void overLimit.promise.then(() => {
        events.push('client sends the rest');
        req.end(bytes(50_000));
      });
    });
    expect(await answered).toBe(204);
    expect(events).toEqual(['read tooLarge=true', 'client sends the rest', 'discarded whole=true']);
  });

  it('with discardBody, drops no more than its bound of a body that does not end, leaving the request paused', async () => {
    const outcome = deferred<{ whole: boolean; paused: boolean }>();
    const url = await serve(async (req, res) => {
      await readBody(req, 100);
      const whole = await discardBody(req, 64 * 1024);
      outcome.resolve({ whole, paused: req.isPaused() });
      res.writeHead(413, { Connection: 'close' }).end();
    });
    let sent = 0;
    const status = await new Promise<number | undefined>((resolve) => {
      const req = request(url, { method: 'POST' }, (res) => {
        resolve((res.resume(), res.statusCode!));
        req.destroy();
      });
      req.on('error', () => resolve(undefined));
      // Chunked, without end until the answer comes (or 64 MiB, where a server still reading has failed).
      const more = () => {
        while (!req.destroyed && sent < 64 * 1024 * 1024) {
          sent += 16 * 1024;
          if (!req.write(bytes(16 * 1024))) return void req.once('drain', more);
        }
        if (!req.destroyed) req.end();
      };
      more();
    });
    expect(await outcome.promise).toEqual({ whole: false, paused: true });
    if (status !== undefined) expect(status).toBe(413);
    expect(sent).toBeLessThan(32 * 1024 * 1024);
  });

  it('with discardBody, drops nothing of a declared length over its bound', async () => {
    const outcome = deferred<boolean>();
    const url = await serve(async (req, res) => {
      await readBody(req, 100);
      outcome.resolve(await discardBody(req, 1000));
      res.writeHead(413, { Connection: 'close' }).end();
    });
    const req = request(url, { method: 'POST', headers: { 'Content-Length': String(10 * 1024 * 1024) } }, (res) => {
      res.resume();
      req.destroy();
    });
    req.on('error', () => undefined);
    req.write(bytes(10)); // and no more: a server that waited for the declared body would never answer
    expect(await outcome.promise).toBe(false);
  });

  it('rejects when the client goes away mid-body, leaving no listener on the request and no open connection', async () => {
    const arrived = deferred<void>();
    const outcome = deferred<{ message: string; before: string; after: string }>();
    const url = await serve(async (req) => {
      const before = listeners(req);
      const reading = readBody(req, 1 << 20);
      arrived.resolve();
      await reading.then(
        () => outcome.resolve({ message: 'resolved', before, after: listeners(req) }),
        (e: Error) => outcome.resolve({ message: `rejected: ${e.message}`, before, after: listeners(req) }),
      );
    });
    const req = request(url, { method: 'POST', headers: { 'Content-Length': '10000' } });
    req.on('error', () => undefined);
    req.write(bytes(100));
    await arrived.promise;
    req.destroy();
    const { message, before, after } = await outcome.promise;
    expect(message).toMatch(/^rejected: /);
    expect(after).toBe(before);
    const open = await new Promise<number>((r, j) => server!.getConnections((e, n) => (e ? j(e) : r(n))));
    expect(open).toBe(0);
  });

  it('refuses a declared Content-Length over the cap with no byte read, so the 413 arrives before the client sends the body', async () => {
    const seen: BodyReadSummary[] = [];
    const url = await serve(answer413(seen, 1024));
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'Content-Length': String(10 * 1024 * 1024) } }, (res) => {
        resolve((res.resume(), res.statusCode!));
        req.destroy();
      });
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      // Only the headers and the first bytes: the rest never comes.
      req.write(bytes(10));
    });
    expect(status).toBe(413);
    expect(seen).toEqual([{ tooLarge: true, length: 0 }]);
  });

  it('answers 413 while a chunked body over the cap is still being sent, having kept only its first chunks', async () => {
    const seen: BodyReadSummary[] = [];
    const url = await serve(answer413(seen, 4096));
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST' }, (res) => {
        resolve((res.resume(), res.statusCode!));
        req.destroy();
      });
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      // 3 KiB at a time until the answer comes; a server waiting for the end would never answer.
      const more = () => {
        if (req.destroyed || sent > 64 * 1024 * 1024) return;
        sent += 3072;
        if (req.write(bytes(3072))) setImmediate(more);
        else req.once('drain', more);
      };
      more();
    });
    expect(status).toBe(413);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.tooLarge).toBe(true);
    expect(seen[0]!.length).toBeGreaterThan(4096);
    // It stopped at the chunk that went over (one socket read at most), not at the end of the body.
    expect(seen[0]!.length).toBeLessThanOrEqual(4096 + 64 * 1024);
  });

  it('does not hang on a client that stops sending mid-body: the server\'s requestTimeout ends the reading', async () => {
    const outcome = deferred<string>();
    const url = await serve(async (req) => {
      await readBody(req, 1 << 20).then(() => outcome.resolve('resolved'), (e: Error & { code?: string }) => outcome.resolve(`rejected ${e.code ?? e.message}`));
    }, { requestTimeout: 300, headersTimeout: 200, connectionsCheckingInterval: 50 });
    const req = request(url, { method: 'POST', headers: { 'Content-Length': '10000' } });
    req.on('error', () => undefined);
    req.on('response', (res) => res.resume());
    req.write(bytes(100)); // and nothing more, the socket left open
    expect(await outcome.promise).toMatch(/^rejected /);
    req.destroy();
  });

  it('stops when its signal aborts: rejects with the reason, keeps no listener, leaves the request for the server to answer', async () => {
    const outcome = deferred<{ reason: string; before: string; after: string; paused: boolean }>();
    const url = await serve(async (req, res) => {
      const before = listeners(req);
      const stop = new AbortController();
      const reading = readBody(req, 1 << 20, { signal: stop.signal });
      // The server gives up waiting for the rest (a deadline, or it is closing).
      setImmediate(() => stop.abort(new Error('server closing')));
      await reading.then(
        () => outcome.resolve({ reason: 'resolved', before, after: listeners(req), paused: req.isPaused() }),
        (e: Error) => outcome.resolve({ reason: e.message, before, after: listeners(req), paused: req.isPaused() }),
      );
      res.writeHead(503, { Connection: 'close' }).end();
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'Content-Length': '10000' } }, (res) => {
        resolve((res.resume(), res.statusCode!));
        req.destroy();
      });
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      req.write(bytes(100)); // and nothing more
    });
    expect(status).toBe(503);
    expect(await outcome.promise).toEqual({ reason: 'server closing', before: expect.any(String), after: expect.any(String), paused: true });
    const { before, after } = await outcome.promise;
    expect(after).toBe(before);
  });

  it('rejects at once with an already aborted signal, reading nothing', async () => {
    const outcome = deferred<string>();
    const url = await serve(async (req) => {
      await readBody(req, 1024, { signal: AbortSignal.abort(new Error('too late')) }).then(() => outcome.resolve('resolved'), (e: Error) => outcome.resolve(e.message));
      expect(await discardBody(req, 1024)).toBe(true);
    });
    expect(await post(url, [bytes(10)])).toBe(204);
    expect(await outcome.promise).toBe('too late');
  });
});

interface BodyReadSummary {
  tooLarge: boolean;
  length: number;
}

/** A handler that reads within `max` and, over it, answers 413 at once (as the simulator and the fakes do), noting what it read. */
function answer413(seen: BodyReadSummary[], max: number) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const r = await readBody(req, max);
    seen.push({ tooLarge: r.tooLarge, length: r.bytes.length });
    if (r.tooLarge) {
      req.resume();
      res.writeHead(413, { Connection: 'close' }).end();
    }
  };
}
