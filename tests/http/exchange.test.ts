// A bounded exchange: its deadline fires although the garbage collector runs (see TOOLCHAIN.md:
// an AbortSignal.timeout() on a temporary Request stops firing once collected), and redirects are
// returned, not followed.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exchange } from '../../src/http/exchange.ts';
import { projectRoot } from '../../src/description/document.ts';
import { startTlsFront } from '../support/tls-front.ts';

afterEach(() => void vi.useRealTimers());

describe('exchange()', () => {
  it('times out under constant garbage collection (node --expose-gc)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', join(projectRoot, 'tests/http/fixtures/gc-timeout.ts')], { cwd: projectRoot, timeout: 20_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ outcome: 'HttpFailure:timeout', withinMs: true });
  }, 25_000);

  it('returns a 307 as is: the body is not re-sent to the Location', async () => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url!);
      if (req.url === '/start') res.writeHead(307, { Location: '/elsewhere' }).end();
      else res.writeHead(200).end('followed');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/start`;
      const ex = await exchange((r) => fetch(r), url, { method: 'POST', body: 'client_secret=s3cr3t' }, { timeoutMs: 2000, maxBytes: 1024 });
      expect(ex.status).toBe(307);
      expect(hits).toEqual(['/start']);
    } finally {
      server.close();
    }
  });

  it('that cannot build its request leaves no timer running and no listener on the caller\'s signal', async () => {
    vi.useFakeTimers();
    const run = new AbortController();
    // A GET with a body: the Request constructor refuses it.
    await expect(exchange(() => Promise.reject(new Error('not called')), 'http://127.0.0.1:9/', { method: 'GET', body: 'x' }, { timeoutMs: 60_000, maxBytes: 1, signal: run.signal })).rejects.toThrow(TypeError);
    await expect(exchange(() => Promise.reject(new Error('not called')), 'not a url', {}, { timeoutMs: 60_000, maxBytes: 1, signal: run.signal })).rejects.toThrow(TypeError);
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });

  it('says which port Node\'s fetch refuses, and what to do, where fetch itself says only "bad port"', async () => {
    // 6000 (X11) is on the Fetch standard's list of blocked ports; fetch fails before connecting.
    const refused = exchange(globalThis.fetch, 'http://127.0.0.1:6000/openapi.json', {}, { timeoutMs: 10_000, maxBytes: 1024 });
    await expect(refused).rejects.toMatchObject({ kind: 'connection', message: 'fetch refuses port 6000, one of the Fetch standard\'s blocked ports; serve it on another port' });
  });

  it('is cancelled by the caller\'s signal', async () => {
    const controller = new AbortController();
    const never = exchange(() => new Promise<Response>(() => {}), 'http://127.0.0.1:9/', {}, { timeoutMs: 60_000, maxBytes: 1, signal: controller.signal });
    controller.abort();
    await expect(never).rejects.toMatchObject({ kind: 'aborted' });
  });
});

describe('exchange() size cap', () => {
  it('says whether the declared length or the streamed body broke the cap', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/declared') res.writeHead(200, { 'Content-Length': '5000' }).end('x'.repeat(5000));
      else res.writeHead(200).end('y'.repeat(5000)); // chunked: no length to read first
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const bounds = { timeoutMs: 2000, maxBytes: 1024 };
      await expect(exchange((r) => fetch(r), `${base}/declared`, {}, bounds)).rejects.toMatchObject({ kind: 'too-large', declaredBytes: 5000 });
      const streamed = await exchange((r) => fetch(r), `${base}/streamed`, {}, bounds).catch((e: unknown) => e);
      expect(streamed).toMatchObject({ kind: 'too-large' });
      expect((streamed as { declaredBytes?: number }).declaredBytes).toBeUndefined();
    } finally {
      server.close();
    }
  });
});

describe('exchange() against an https host this machine does not trust', () => {
  it('says the certificate is not trusted and names NODE_EXTRA_CA_CERTS (what diff, upstream and a check request show)', async () => {
    const server = createServer((_, res) => res.writeHead(200).end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const front = await startTlsFront(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      await expect(exchange((r) => fetch(r), `${front.url}/openapi.json`, {}, { timeoutMs: 5000, maxBytes: 1000 })).rejects.toMatchObject({
        kind: 'connection',
        message: "the host's TLS certificate is not trusted here (DEPTH_ZERO_SELF_SIGNED_CERT); if a proxy inspects TLS on this network, give Node its CA certificate: NODE_EXTRA_CA_CERTS=/path/to/ca.pem",
        dropped: false,
      });
    } finally {
      await front.close();
      server.close();
    }
  });
});
