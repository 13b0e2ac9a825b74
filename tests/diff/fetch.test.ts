// The description fetcher is a redirect loop over the bounded exchange: what it gained from it
// (an injected fetch that ignores its signal still times out, a refused connection says so) and
// what stays its own (one deadline over the whole redirect chain, its messages, no query values).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { fetchText, type FetchLimits } from '../../src/diff/fetch.ts';
import { startIdleClosingFront } from '../support/idle-closing-front.ts';

const limits = (extra: Partial<FetchLimits>): FetchLimits => ({ timeoutMs: 5_000, maxBytes: 1024 * 1024, maxRedirects: 3, ...extra });

describe('fetchText()', () => {
  it('times out although an injected fetch never settles and ignores its signal', async () => {
    const ignoring = () => new Promise<Response>(() => undefined);
    await expect(fetchText('http://spec.invalid/openapi.json?token=Canary-Q-5e1a', limits({ timeoutMs: 200, fetch: ignoring })))
      .rejects.toThrow(/^http:\/\/spec\.invalid\/openapi\.json\?…: no complete answer within 200 ms$/);
  });

  it('is cancelled by the caller\'s signal, naming the URL asked for', async () => {
    const controller = new AbortController();
    const pending = fetchText('http://spec.invalid/openapi.json', limits({ signal: controller.signal, fetch: () => new Promise<Response>(() => undefined) }));
    controller.abort();
    await expect(pending).rejects.toThrow(/^http:\/\/spec\.invalid\/openapi\.json: cancelled$/);
  });

  it('keeps one deadline over the whole redirect chain, not one per hop, and names the URL asked for', async () => {
    // Each hop answers well within the deadline; four of them do not.
    let hops = 0;
    const slowRedirects = () => new Promise<Response>((resolve) => {
      hops++;
      setTimeout(() => resolve(hops < 4 ? new Response(null, { status: 302, headers: { location: `/hop${hops}` } }) : new Response('openapi: 3.1.0')), 150);
    });
    await expect(fetchText('http://spec.invalid/start?token=Canary-Hop-2b9e', limits({ timeoutMs: 400, fetch: slowRedirects })))
      .rejects.toThrow(/^http:\/\/spec\.invalid\/start\?…: no complete answer within 400 ms$/);
    expect(hops).toBeLessThan(4);
  });

  it('sends a GET again, once, when a front end dropped its pooled connection while idle (a daily job fetching Adobe\'s files)', async () => {
    let served = 0;
    const files = createServer((_, res) => {
      served++;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"openapi":"3.0.1"}');
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    const front = await startIdleClosingFront(`http://127.0.0.1:${(files.address() as AddressInfo).port}`, 300);
    try {
      expect(await fetchText(`${front.url}/restApiV2.json`, limits({}))).toBe('{"openapi":"3.0.1"}');
      await sleep(350);
      expect(await fetchText(`${front.url}/dcrApi.json`, limits({}))).toBe('{"openapi":"3.0.1"}');
      expect(front.dropped()).toBe(1);
      expect(served).toBe(2);
    } finally {
      await front.close();
      files.closeAllConnections();
      await new Promise((r) => files.close(r));
    }
  });

  describe('a host that says to come back later (429, 503): again within the deadline, at most 3 attempts', () => {
    /** Answers each request with the next of `answers` (the last one for ever after), counting them. */
    const answering = (...answers: (() => Response)[]) => {
      const seen = { count: 0 };
      const fetch = () => Promise.resolve(answers[Math.min(seen.count++, answers.length - 1)]!());
      return { seen, fetch };
    };
    const later = (status: number, retryAfter?: string) => () => new Response('busy', { status, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } });
    const ok = () => new Response('openapi: 3.1.0');

    it('a 503 without Retry-After, then the file', async () => {
      const host = answering(later(503), ok);
      expect(await fetchText('http://spec.invalid/openapi.json', limits({ fetch: host.fetch }))).toBe('openapi: 3.1.0');
      expect(host.seen.count).toBe(2);
    });

    it('two 429s asking for 0 s and for a date already past, then the file', async () => {
      const host = answering(later(429, '0'), later(429, new Date(Date.now() - 60_000).toUTCString()), ok);
      expect(await fetchText('http://spec.invalid/openapi.json', limits({ fetch: host.fetch }))).toBe('openapi: 3.1.0');
      expect(host.seen.count).toBe(3);
    });

    it('503 for ever: three attempts, then the status and the count', async () => {
      const host = answering(later(503, '0'));
      await expect(fetchText('http://spec.invalid/openapi.json?token=Canary-Later-1', limits({ fetch: host.fetch }))).rejects.toThrow(/^http:\/\/spec\.invalid\/openapi\.json\?…: HTTP 503 \(3 attempts\)$/);
      expect(host.seen.count).toBe(3);
    });

    it('a Retry-After past the deadline is not waited for', async () => {
      const host = answering(later(429, '3600'), ok);
      await expect(fetchText('http://spec.invalid/openapi.json', limits({ fetch: host.fetch }))).rejects.toThrow(/^http:\/\/spec\.invalid\/openapi\.json: HTTP 429; Retry-After asks for 3600 s, past the 5000 ms deadline$/);
      expect(host.seen.count).toBe(1);
    });

    it('the wait ends when the caller cancels', async () => {
      const host = answering(later(503, '4'), ok);
      const controller = new AbortController();
      const pending = fetchText('http://spec.invalid/openapi.json', limits({ fetch: host.fetch, signal: controller.signal }));
      await sleep(50);
      controller.abort();
      await expect(pending).rejects.toThrow(/^http:\/\/spec\.invalid\/openapi\.json: cancelled$/);
      expect(host.seen.count).toBe(1);
    });
  });

  it('says why a connection failed (not only "fetch failed"), without the query', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const error = await fetchText(`http://127.0.0.1:${port}/openapi.json?token=Canary-Conn-77b2`, limits({})).catch((e: Error) => e);
    expect(String(error)).toMatch(new RegExp(`^FetchError: http://127\\.0\\.0\\.1:${port}/openapi\\.json\\?…: ECONNREFUSED$`));
    expect(String(error)).not.toContain('Canary-Conn-77b2');
  });

  it('sends no credentials and redirects are followed by us, never by fetch', async () => {
    const seen: Request[] = [];
    const recording = async (request: Request) => {
      seen.push(request);
      return seen.length === 1 ? new Response(null, { status: 302, headers: { location: '/next.yaml' } }) : new Response('openapi: 3.1.0');
    };
    expect(await fetchText('http://spec.invalid/start.yaml', limits({ fetch: recording }))).toBe('openapi: 3.1.0');
    expect(seen.map((r) => [r.url, r.redirect, r.headers.get('authorization'), r.headers.get('cookie')])).toEqual([
      ['http://spec.invalid/start.yaml', 'manual', null, null],
      ['http://spec.invalid/next.yaml', 'manual', null, null],
    ]);
  });

  it('says a redirect went to a Location that is not a URL, without repeating it', async () => {
    const badLocation = async () => new Response(null, { status: 302, headers: { location: 'http://[::1/Canary-Loc-41c7' } });
    await expect(fetchText('http://spec.invalid/start.yaml', limits({ fetch: badLocation })))
      .rejects.toThrow(/^http:\/\/spec\.invalid\/start\.yaml: HTTP 302 redirects to a Location that is not a URL$/);
  });
});
