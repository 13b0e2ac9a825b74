// Every attempt has a timeout (headers and body), the caller's signal, a size bound, no redirects
// followed, and a body that must be JSON — against a loopback host that hangs, drips and lies.
import { execFile } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createPassClient, createTypedClient, DcrTokenManager, PassError, PassNetworkError, PassResponseError, PassTimeoutError, retrieveDecisions, systemClock } from '../../../packages/client/src/index.ts';
import { bundleScript } from '../support/bundle.ts';
import { SECRET_PREFIX, startFakeAdobe, type FakeAdobe } from '../support/fake-adobe.ts';
import { configuration, exposed, header, passFor, rejection } from '../support/pass.ts';
import { startForwardProxy } from '../../support/forward-proxy.ts';
import { startTlsFront } from '../../support/tls-front.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());

describe('timeouts', () => {
  it('ends a call whose server never answers with PassTimeoutError, and closes the connection', async () => {
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { configuration: () => ({ hang: true }) } });
    const { pass } = passFor(adobe, { timeoutMs: 200 });
    const error = await rejection(configuration(pass));
    expect(error).toBeInstanceOf(PassTimeoutError);
    expect(error.message).toBe('GET /api/v2/{serviceProvider}/configuration: no complete response within 200 ms (timeoutMs)');
    await expect.poll(() => adobe.hits.find((h) => h.op === 'configuration')?.aborted).toBe(true);
  });

  it('bounds the body too: a server that sends headers and then one byte every 50 ms times out', async () => {
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { configuration: () => ({ dripBody: JSON.stringify({ requestor: { id: 'REF30', mvpds: [] } }), everyMs: 50 }) } });
    const { pass } = passFor(adobe, { timeoutMs: 300 });
    expect(await rejection(configuration(pass))).toBeInstanceOf(PassTimeoutError);
  });

  it('applies to the DCR token request as well', async () => {
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { token: () => ({ hang: true }) } });
    const { pass, entries } = passFor(adobe, { timeoutMs: 200 });
    const error = await rejection(configuration(pass));
    expect(error).toBeInstanceOf(PassTimeoutError);
    expect(error.message).toMatch(/^POST \/o\/client\/token: /);
    expect(entries).toContainEqual(expect.objectContaining({ event: 'failure', stage: 'token', error: 'PassTimeoutError', operation: '/api/v2/{serviceProvider}/configuration' }));
    expect(adobe.count('configuration')).toBe(0);
  });

  it('survives garbage collection while the request hangs, and its abort (timeout or the caller\'s) still closes the connection, also through an injected fetch (node --expose-gc in a child process)', async () => {
    // Node 20's fetch(request) follows the Request's signal from a Request of its own that only a
    // WeakRef reaches: once collected, aborting did nothing, and the connection stayed open until
    // the host answered or undici gave up on its headers (300 s). A host that hangs on every
    // request then held one socket per timed-out call.
    const script = await bundleScript(fileURLToPath(new URL('../support/gc-timeout-child.ts', import.meta.url)));
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', script], { timeout: 20_000 });
    type Ended = { outcome: string; closedAfterMs: number | null };
    const result = JSON.parse(stdout) as { ours: Ended; injected: Ended; cancelled: Ended; cancelledForm: Ended; typedForm: Ended; naive: string };
    console.info(`timeout under GC: our client → ${result.ours.outcome}, connection closed ${result.ours.closedAfterMs} ms later; through an injected fetch → ${result.injected.outcome}, closed ${result.injected.closedAfterMs} ms later; cancelled by the caller → ${result.cancelled.outcome}, closed ${result.cancelled.closedAfterMs} ms later (a form body: ${result.cancelledForm.outcome}, ${result.cancelledForm.closedAfterMs} ms; the typed client: ${result.typedForm.outcome}, ${result.typedForm.closedAfterMs} ms); AbortSignal.timeout() on a temporary Request → ${result.naive}`);
    expect(result.ours.outcome).toBe('PassTimeoutError');
    expect(result.injected.outcome).toBe('PassTimeoutError');
    expect(result.ours.closedAfterMs).not.toBeNull();
    expect(result.injected.closedAfterMs).not.toBeNull();
    // The caller's own signal, aborted 300 ms in (the timeout is 10 s), ends the call with its reason.
    expect(result.cancelled).toEqual({ outcome: 'CallerGaveUp', closedAfterMs: expect.any(Number) });
    // Also for a form body (sessions), whose Request a middleware rebuilds, and through the typed
    // client: the rebuilt Request followed the caller's signal through openapi-fetch's first one,
    // which nothing held any more, so after a collection the abort went nowhere.
    expect(result.cancelledForm).toEqual({ outcome: 'CallerGaveUp', closedAfterMs: expect.any(Number) });
    expect(result.typedForm).toEqual({ outcome: 'CallerGaveUp', closedAfterMs: expect.any(Number) });
  }, 25_000);
});

describe('bounds that cannot work are refused when the client is built', () => {
  it.each([
    ['timeoutMs', 2 ** 31, /^timeoutMs must be a number of milliseconds from 1 to 2147483647/],
    ['timeoutMs', 0, /^timeoutMs must be/],
    ['timeoutMs', Number.NaN, /^timeoutMs must be/],
    ['maxResponseBytes', Number.NaN, /^maxResponseBytes must be a positive whole number of bytes, got NaN$/],
    ['maxResponseBytes', -1, /^maxResponseBytes must be/],
  ])('%s: %d', (option, value, message) => {
    const tokens = { getAccessToken: async () => 'token', invalidate: async () => {} };
    const built = () => createPassClient({ baseUrl: 'http://127.0.0.1:9', tokens, [option]: value });
    expect(built).toThrow(RangeError);
    expect(built).toThrow(message);
  });

  // NaN compares false with everything: 429s were retried for ever, any Retry-After waited out.
  it.each([
    ['rateLimit.maxRetries NaN', { rateLimit: { maxRetries: Number.NaN } }, /^rateLimit\.maxRetries must be a whole number from 0 up, got NaN$/],
    ['rateLimit.maxWaitMs NaN', { rateLimit: { maxWaitMs: Number.NaN } }, /^rateLimit\.maxWaitMs must be a finite number of milliseconds from 0 up, got NaN$/],
    ['retry.maxRetries Infinity', { retry: { maxRetries: Number.POSITIVE_INFINITY } }, /^retry\.maxRetries must be a whole number from 0 up, got Infinity$/],
    ['retry.maxDelayMs -1', { retry: { maxDelayMs: -1 } }, /^retry\.maxDelayMs must be/],
    // And memory: a cache or device table bounded by NaN never forgot anything.
    ['limit.maxDevices NaN', { limit: { maxDevices: Number.NaN } }, /^limit\.maxDevices must be a whole number from 0 up, got NaN$/],
    ['limit.ratePerSecond 0', { limit: { ratePerSecond: 0 } }, /^limit\.ratePerSecond must be a finite number above 0, got 0$/],
    ['cache.configuration.maxEntries NaN', { cache: { configuration: { maxEntries: Number.NaN } } }, /^cache\.configuration\.maxEntries must be a whole number from 0 up, got NaN$/],
    ['cache.decisions.maxEntries NaN', { cache: { decisions: { maxEntries: Number.NaN } } }, /^cache\.decisions\.maxEntries must be a whole number from 0 up, got NaN$/],
    // And the token's life: every token expired at once, a token request before every call.
    ['dcr.refreshMarginMs NaN', { tokens: undefined, dcr: { softwareStatement: 'statement', deviceInfo: 'e30=', refreshMarginMs: Number.NaN } }, /^dcr\.refreshMarginMs must be a finite number of milliseconds from 0 up, got NaN$/],
  ])('a retry, wait or memory bound that bounds nothing is refused: %s', (_, options, message) => {
    const tokens = { getAccessToken: async () => 'token', invalidate: async () => {} };
    const built = () => createPassClient({ baseUrl: 'http://127.0.0.1:9', tokens, ...options });
    expect(built).toThrow(RangeError);
    expect(built).toThrow(message);
  });

  it('a base URL with a query or fragment: each call appended its path to it as text (`/?x=1/api/v2/…`)', () => {
    const tokens = { getAccessToken: async () => 'token', invalidate: async () => {} };
    for (const baseUrl of ['https://sp.auth-staging.adobe.com/?token=Canary-Q-5d0e', 'https://sp.auth-staging.adobe.com#Canary-F-5d0e']) {
      const builds = {
        createPassClient: () => createPassClient({ baseUrl, tokens }),
        createTypedClient: () => createTypedClient({ baseUrl }),
        DcrTokenManager: () => new DcrTokenManager({ baseUrl, deviceInfo: 'e30=', softwareStatement: 'statement' }),
      };
      for (const [owner, build] of Object.entries(builds)) {
        expect(build).toThrow(new TypeError(`${owner}: baseUrl must not carry a query or fragment: each call adds its own path and query`));
      }
    }
    expect(() => createTypedClient({ baseUrl: 'https://sp.auth-staging.adobe.com/prefix' })).not.toThrow();
  });

  it('a base URL that ends with /api/v2 or /o/client, which each call adds itself (every call went to /api/v2/api/v2/…)', () => {
    const tokens = { getAccessToken: async () => 'token', invalidate: async () => {} };
    for (const [baseUrl, suffix] of [['https://sp.auth.adobe.com/api/v2', '/api/v2'], ['https://sp.auth.adobe.com/api/v2/', '/api/v2'], ['https://gateway.example/adobe/o/client', '/o/client'], ['/api/v2', '/api/v2']] as const) {
      const builds = {
        createPassClient: () => createPassClient({ baseUrl, tokens }),
        createTypedClient: () => createTypedClient({ baseUrl }),
        DcrTokenManager: () => new DcrTokenManager({ baseUrl, deviceInfo: 'e30=', softwareStatement: 'statement' }),
      };
      for (const [owner, build] of Object.entries(builds)) {
        expect(build).toThrow(new TypeError(`${owner}: baseUrl ends with ${suffix}, which each call adds itself (/api/v2/… and /o/client/…): pass the host's base URL, such as https://sp.auth.adobe.com`));
      }
    }
    for (const baseUrl of ['https://sp.auth.adobe.com', 'https://sp.auth.adobe.com/', 'https://gateway.example/adobe', 'https://gateway.example/api/v2-adobe', '/adobe']) {
      expect(() => createTypedClient({ baseUrl })).not.toThrow();
    }
  });

  it('a timeout Node cannot hold would have timed out a 50 ms answer (what the refusal prevents)', async () => {
    // Node's own behaviour, which the check above is for: a delay over 2^31 − 1 ms fires after 1 ms.
    const fired = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), 2 ** 31);
      setTimeout(() => (clearTimeout(timer), resolve(false)), 50);
    });
    expect(fired).toBe(true);
  });
});

describe('an injected fetch that drops the signal', () => {
  // A common wrapper bug: method, URL, headers and body are forwarded, the Request's signal is not, so
  // nothing aborts the exchange underneath. The timeout and the caller's signal still end the call.
  const signalDropping = async (request: Request) => fetch(request.url, { method: request.method, headers: request.headers, ...(request.body ? { body: await request.arrayBuffer() } : {}) });

  it('still times out, waiting for headers or for the body', async () => {
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { configuration: (_, n) => (n === 1 ? { hang: true } : { dripBody: '{"requestor":{}}', everyMs: 100 }) } });
    const { pass } = passFor(adobe, { timeoutMs: 200, fetch: signalDropping, cache: false });
    const noHeaders = await rejection(configuration(pass));
    expect(noHeaders).toBeInstanceOf(PassTimeoutError);
    expect(noHeaders.message).toBe('GET /api/v2/{serviceProvider}/configuration: no complete response within 200 ms (timeoutMs)');
    expect(await rejection(configuration(pass))).toBeInstanceOf(PassTimeoutError);
  });

  it("ends with the caller's reason when the caller aborts", async () => {
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { configuration: () => ({ hang: true }) } });
    const { pass } = passFor(adobe, { fetch: signalDropping });
    const controller = new AbortController();
    const pending = configuration(pass, { signal: controller.signal });
    await expect.poll(() => adobe.count('configuration')).toBe(1);
    controller.abort(new Error('user left'));
    expect((await rejection(pending)).message).toBe('user left');
  });
});

describe('a body labelled with a content coding it is not in', () => {
  // Node 20's fetch, given `Content-Encoding: br` over bytes that are not brotli, left the body read
  // pending for ever, and aborting the request's signal did not end it: the call outlived its
  // timeout for good. (Found by the hostile-host fuzzers.) Each must end as a PassError.
  it.each(['br', 'gzip', 'deflate'])('%s: the call ends as a PassError, not pending past its timeout', async (coding) => {
    // The bytes, then the end of the body in a chunk of its own (a gateway streaming its answer).
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Encoding': coding });
      res.write('not compressed at all');
      setTimeout(() => res.end(), 0);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const pass = createPassClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens: { getAccessToken: async () => 'token', invalidate: async () => undefined }, timeoutMs: 300, retry: false, cache: false });
      const settled = await Promise.race([
        configuration(pass).then(() => 'a result', (error: unknown) => (error instanceof PassError ? `PassError ${error.kind}` : String(error))),
        new Promise<string>((resolve) => setTimeout(() => resolve('still pending 5 s later'), 5000)),
      ]);
      expect(settled).toMatch(/^PassError (network|timeout)$/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("the caller's signal", () => {
  it('aborts a hanging call with the caller’s reason and closes the connection', async () => {
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { configuration: () => ({ hang: true }) } });
    const { pass } = passFor(adobe);
    const controller = new AbortController();
    const pending = configuration(pass, { signal: controller.signal });
    await expect.poll(() => adobe.count('configuration')).toBe(1);
    controller.abort(new Error('user left'));
    expect((await rejection(pending)).message).toBe('user left');
    await expect.poll(() => adobe.hits.find((h) => h.op === 'configuration')?.aborted).toBe(true);
  });

  it('keeps no listener on a signal the service passes to every call (its shutdown signal), once the calls have ended', async () => {
    // openapi-fetch puts the signal in a Request, and Node 20's undici hangs an abort listener on it
    // that only a garbage collection removes: a probe counted 2,758 after 4,000 calls, with a
    // MaxListenersExceededWarning from the 1,501st on.
    adobe = await startFakeAdobe({ clock: systemClock });
    const { pass } = passFor(adobe, { cache: false });
    const shutdown = new AbortController();
    const { signal } = shutdown;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      for (let round = 0; round < 25; round++) {
        // A JSON GET, a form POST (its Request rebuilt by a middleware), and the flows' own calls.
        const calls = [
          configuration(pass, { signal }),
          pass.GET('/api/v2/{serviceProvider}/profiles', { params: { path: { serviceProvider: 'REF30' }, header }, signal }),
          pass.POST('/api/v2/{serviceProvider}/sessions', { params: { path: { serviceProvider: 'REF30' }, header }, body: { mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: 'https://adobe.com' }, signal }),
          retrieveDecisions(pass, { kind: 'preauthorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['REF30', `R${round}`], headers: header, signal }),
        ];
        for (const answer of await Promise.all(calls)) expect('response' in answer ? answer.response.status : 200).toBeLessThan(300);
        // While calls run, each holds at most one listener; once they have ended, none is left.
        expect(getEventListeners(signal, 'abort')).toEqual([]);
      }
    } finally {
      process.off('warning', onWarning);
    }
    expect(adobe.count('configuration')).toBe(25);
    expect(warnings).toEqual([]);
  });

  it('still ends every call in flight with the shutdown reason when that shared signal aborts, and keeps no listener after', async () => {
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { configuration: () => ({ hang: true }) } });
    const { pass } = passFor(adobe, { cache: false });
    const shutdown = new AbortController();
    const pending = Array.from({ length: 5 }, () => configuration(pass, { signal: shutdown.signal }));
    await expect.poll(() => adobe.count('configuration')).toBe(5);
    // One listener per call in flight, the call's own.
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(5);
    shutdown.abort(new Error('shutting down'));
    for (const call of pending) expect((await rejection(call)).message).toBe('shutting down');
    expect(getEventListeners(shutdown.signal, 'abort')).toEqual([]);
    await expect.poll(() => adobe.hits.filter((h) => h.op === 'configuration' && h.aborted).length).toBe(5);
    // A call given the signal already aborted never goes out.
    expect((await rejection(configuration(pass, { signal: shutdown.signal }))).message).toBe('shutting down');
    expect(adobe.count('configuration')).toBe(5);
  });

  it('does the same through the typed client, except for a streamed body, whose reading the shared signal still ends', async () => {
    const body = JSON.stringify({ requestor: { id: 'REF30', mvpds: [] } });
    // Dripped over ≈8 s, far longer than the rest of the test takes even on a loaded machine.
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { configuration: (_hit, n) => (n === 1 ? { dripBody: `${' '.repeat(400)}${body}`, everyMs: 20 } : { json: JSON.parse(body) }) } });
    // The Requests are kept: Node 20's undici links a Request to the caller's signal by a WeakRef, so
    // once openapi-fetch has let go of a streamed call's Request, a collection can cut the abort off
    // (undici's, not this client's: see the README). What is tested is that the call keeps the link.
    const requests: Request[] = [];
    const typed = createTypedClient({ baseUrl: adobe.baseUrl, fetch: (request: Request) => fetch((requests.push(request), request)) });
    const shutdown = new AbortController();
    const { signal } = shutdown;
    const params = { path: { serviceProvider: 'REF30' }, header };
    const get = () => typed.GET('/api/v2/{serviceProvider}/configuration', { params, signal });
    // The first answer drips: the call settles with its head, and the caller reads the stream after.
    const streamed = await typed.GET('/api/v2/{serviceProvider}/configuration', { params, signal, parseAs: 'stream' });
    expect(streamed.response.status).toBe(200);
    for (let i = 0; i < 20; i++) expect((await get()).data).toEqual(JSON.parse(body));
    // Only the streamed call's listener (undici's, on the caller's signal) is left: the 20 others ended theirs.
    expect(getEventListeners(signal, 'abort').length).toBeLessThanOrEqual(1);
    shutdown.abort(new Error('shutting down'));
    const reading = new Response(streamed.data).text();
    await expect(reading).rejects.toThrow('shutting down');
  });
});

describe('bodies', () => {
  const canary = `${SECRET_PREFIX}-echoed`;

  it.each([
    ['a 200 HTML page', { status: 200, html: `<html>${canary}</html>` }, 'text/html', /HTTP 200 with a body that is not JSON/],
    ['a 200 text/plain body', { status: 200, text: canary }, 'text/plain', /HTTP 200 with a body that is not JSON/],
    ['a 502 HTML page from a gateway', { status: 502, html: `<h1>Bad gateway</h1>${canary}` }, 'text/html', /HTTP 502 with a body that is not JSON/],
    ['JSON that does not parse', { status: 200, text: `{"requestor": "${canary}"`, contentType: 'application/json' }, 'application/json', /does not parse/],
  ] as const)('turns %s into a PassResponseError without the body', async (_, reply, type, message) => {
    adobe = await startFakeAdobe({ overrides: { configuration: () => reply } });
    const { pass } = passFor(adobe);
    const error = await rejection(configuration(pass));
    expect(error).toBeInstanceOf(PassResponseError);
    expect(error.message).toMatch(message);
    expect((error as PassResponseError).contentType).toBe(type);
    expect(exposed(error)).not.toContain('CANARY');
  });

  it('cuts off a body above maxResponseBytes', async () => {
    adobe = await startFakeAdobe({ overrides: { configuration: () => ({ json: { requestor: { id: 'REF30', mvpds: [], pad: 'x'.repeat(20_000) } } }) } });
    const { pass } = passFor(adobe, { maxResponseBytes: 10_000 });
    const error = await rejection(configuration(pass));
    expect(error).toBeInstanceOf(PassResponseError);
    expect(error.message).toMatch(/body larger than 10000 bytes \(maxResponseBytes\)/);
  });

  it.each(['gzip', 'br'] as const)('counts a %s body as it decodes: a small encoded body that decodes past maxResponseBytes is cut off', async (coding) => {
    const encode = (value: unknown) => (coding === 'gzip' ? gzipSync : brotliCompressSync)(Buffer.from(JSON.stringify(value)));
    const reply = (bytes: Uint8Array) => ({ bytes, headers: { 'Content-Type': 'application/json', 'Content-Encoding': coding, 'Content-Length': String(bytes.byteLength) } });
    // A decompression bomb: 8 MiB of JSON that travels as a few KiB, with an honest Content-Length.
    const bomb = encode({ requestor: { id: 'REF30', mvpds: [], pad: ' '.repeat(8 * 1024 * 1024) } });
    expect(bomb.byteLength).toBeLessThan(100_000);
    const small = { requestor: { id: 'REF30', mvpds: [] } };
    adobe = await startFakeAdobe({ overrides: { configuration: (_, n) => reply(n === 1 ? bomb : encode(small)) } });
    const { pass } = passFor(adobe, { maxResponseBytes: 1024 * 1024, cache: false });
    const error = await rejection(configuration(pass));
    expect(error).toBeInstanceOf(PassResponseError);
    expect(error.message).toMatch(/body larger than 1048576 bytes \(maxResponseBytes\)/);
    // An encoded body within the bound, with its Content-Length, still arrives decoded.
    expect((await configuration(pass)).data).toEqual(small);
  });

  it('says which port fetch refused when the base URL is on one of the Fetch standard\'s blocked ports', async () => {
    // Node's global fetch (no injected one), which refuses port 6000 (X11) before connecting.
    const tokens = { getAccessToken: async () => 'token-for-the-blocked-port', invalidate: async () => {} };
    const pass = createPassClient({ baseUrl: 'http://127.0.0.1:6000', tokens, retry: false });
    const error = await rejection(configuration(pass));
    expect(error).toBeInstanceOf(PassNetworkError);
    expect(error).toMatchObject({ causeCode: undefined, blockedPort: '6000' });
    expect(error.message).toBe('GET /api/v2/{serviceProvider}/configuration: the connection failed (fetch refuses port 6000, one of the Fetch standard\'s blocked ports)');
  });

  it('reports a connection closed without an answer as PassNetworkError', async () => {
    adobe = await startFakeAdobe({ overrides: { configuration: () => ({ destroy: true }) } });
    const { pass } = passFor(adobe);
    expect(await rejection(configuration(pass))).toBeInstanceOf(PassNetworkError);
  });
});

describe('an https host whose certificate this machine does not trust (a proxy that inspects TLS)', () => {
  it('fails with PassNetworkError naming the certificate problem and NODE_EXTRA_CA_CERTS, nothing of the request in it', async () => {
    adobe = await startFakeAdobe();
    const front = await startTlsFront(adobe.baseUrl);
    try {
      const tokens = { getAccessToken: async () => `${SECRET_PREFIX}-token`, invalidate: async () => {} };
      const pass = createPassClient({ baseUrl: front.url, tokens, retry: false });
      const error = await rejection(configuration(pass));
      expect(error).toBeInstanceOf(PassNetworkError);
      expect(error).toMatchObject({ kind: 'network', causeCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      expect(error.message).toBe("GET /api/v2/{serviceProvider}/configuration: the connection failed: the host's TLS certificate is not trusted here (DEPTH_ZERO_SELF_SIGNED_CERT); if a proxy inspects TLS on this network, give Node its CA certificate: NODE_EXTRA_CA_CERTS=/path/to/ca.pem");
      expect(exposed(error)).not.toContain(SECRET_PREFIX);
      expect(adobe.hits).toEqual([]);
    } finally {
      await front.close();
    }
  });
});

describe('behind a proxy (Node 20\'s fetch reads no HTTPS_PROXY)', () => {
  it('goes through the one an injected fetch names, DCR included, as the README shows', async () => {
    adobe = await startFakeAdobe();
    const proxy = await startForwardProxy();
    try {
      const { ProxyAgent } = await import('undici');
      const dispatcher = new ProxyAgent(proxy.url);
      const { pass } = passFor(adobe, { fetch: (request) => fetch(request, { dispatcher } as RequestInit) });
      expect((await configuration(pass)).response.status).toBe(200);
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels.map((t) => t.target))).toEqual(new Set([new URL(adobe.baseUrl).host]));
      expect(adobe.hits.map((h) => h.op)).toEqual(['register', 'token', 'configuration']);
      await dispatcher.close();
    } finally {
      await proxy.close();
    }
  });
});
