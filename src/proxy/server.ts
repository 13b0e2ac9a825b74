// Proxy mode: forwards real traffic to an upstream Adobe host byte for byte (redirects are passed
// back, never followed), checks each response of a described operation, and keeps the report up to
// date. Tokens and secrets seen in the traffic are learned and redacted. With `record`, every
// exchange also goes to a HAR file (secrets redacted) before its answer is finished.
import { Agent as HttpAgent, createServer, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { ResponseChecker, unavailableMessage } from '../contract/check-response.ts';
import { REGISTER_PATH, TOKEN_PATH } from '../contract/dcr.ts';
import { operationPrefixProblem } from '../contract/target.ts';
import { Redactor, safeUrl, urlPasswords } from '../contract/redact.ts';
import { newRunId, ReportWriter, verdict, type RunReport, type RunStatus, type Verdict } from '../contract/report.ts';
import { claimReportDir } from '../report/files.ts';
import { FoldedResults } from '../contract/fold.ts';
import { settle, type CaseResult } from '../contract/results.ts';
import type { FailOn } from '../contract/rules.ts';
import { loadDescription, type Description } from '../description/index.ts';
import { readBody } from '../http/body.ts';
import { listen } from '../http/listen.ts';
import { countOption, timerOption } from '../http/option-bounds.ts';
import { headerPairs, openRecording, type Recording } from '../http/recording.ts';
import { certificateProblem, isDroppedCode } from '../http/exchange.ts';
import { decodeUtf8, type Decoded } from '../http/utf8.ts';
import { proxyFor, proxySecrets } from '../http/proxy.ts';
import { closeStalledWrites, SEND_TIMEOUT_MS } from '../http/stalled-writes.ts';
import { tunnelThrough } from '../http/tunnel.ts';

export interface ProxyOptions {
  upstream: string;
  host?: string;
  port?: number;
  reportDir?: string;
  /** The loaded description (default: the bundled one, loaded here). */
  description?: Description;
  /** Values to redact from reports besides what the proxy learns from traffic. */
  secrets?: string[];
  /**
   * Deadline for the upstream's whole answer (ms, default 30 s), then 504 to the client; and for the
   * client's request body, then 408.
   */
  timeoutMs?: number;
  /** Largest request or response body buffered for checking (bytes, default 1 MiB); larger ones are streamed through, not checked. */
  maxBytes?: number;
  /**
   * How long an answer may sit unread before the client's connection is closed (ms, default 60 s): a
   * client that stops reading, which would otherwise hold its upstream connection too.
   */
  sendTimeoutMs?: number;
  failOn?: FailOn;
  onRecord?: (result: CaseResult) => void;
  /** Write every exchange to this HAR 1.2 file (created or truncated; secrets redacted). */
  record?: string;
  /** Told about the first exchange that could not be written to the recording. */
  onRecordError?: (error: Error) => void;
  /**
   * Told when the report cannot be written (once per distinct reason, the report directory's
   * error: a full disk, a directory another process took) and, with no error, when it is written
   * again. The proxy goes on forwarding and writes the report with the next exchange.
   */
  onReportError?: (error?: Error) => void;
}

export interface RunningProxy {
  url: string;
  /** The report's rows: each exchange folded into the row of an earlier one like it (`repeats`). */
  results: CaseResult[];
  /** The HAR recording, when `record` was given. */
  recording?: Pick<Recording, 'path' | 'count' | 'failures' | 'restarts'>;
  /** Writes the report now; returns the file paths. */
  flush(): Promise<string[]>;
  /**
   * Stops listening, writes the final report and returns its verdict. With `drainMs`, exchanges in
   * flight may finish first (their clients get whole answers, on connections then closed) for up to
   * that long, or until `signal` aborts; then whatever is left is cut. Without it they are cut at once.
   */
  close(options?: DrainOptions): Promise<Verdict>;
}

export interface DrainOptions {
  /** How long exchanges in flight may take to finish (ms, default 0: cut at once). */
  drainMs?: number;
  /** Cuts the drain short (a second Ctrl-C). */
  signal?: AbortSignal;
  /** Told how many exchanges are in flight when the drain begins, if any. */
  onDrain?: (inFlight: number) => void;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded; everything else passes unchanged.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function forwardable(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  return out;
}

/** Methods HTTP lets a client send again when no answer came (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * Whether a request that met a pooled connection closed under it may be sent again: an idempotent
 * method, or the DCR token request (it only gets another token). Not a POST that acts (a session,
 * a decision, a registration): the host may have acted on it.
 */
const repeatable = (method: string, path: string) => IDEMPOTENT.has(method) || (method === 'POST' && path.endsWith(TOKEN_PATH));

/** An agent that keeps tunnels to `upstream` alive between requests, opening each with `tunnel`. */
function tunnelPool(upstream: URL, tunnel: ReturnType<typeof tunnelThrough>): HttpAgent {
  const agent = upstream.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, timeout: 5000 }) : new HttpAgent({ keepAlive: true, timeout: 5000 });
  agent.createConnection = tunnel as HttpAgent['createConnection'];
  return agent;
}

/**
 * The body as text, decoded from its content coding into at most `maxBytes`: a small gzip or
 * brotli body can decode to gigabytes. Over the bound zlib throws ERR_BUFFER_TOO_LARGE. Then UTF-8
 * as fetch's text() and check's reader decode it (a leading byte order mark dropped, RFC 8259 §8.1),
 * so the proxy and check judge the same bytes alike.
 */
function decode(bytes: Buffer, encoding: string | undefined, maxBytes: number): Decoded {
  const e = (encoding ?? '').trim().toLowerCase();
  const bound = { maxOutputLength: maxBytes };
  const plain = e === 'gzip' || e === 'x-gzip' ? gunzipSync(bytes, bound) : e === 'deflate' ? inflateSync(bytes, bound) : e === 'br' ? brotliDecompressSync(bytes, bound) : bytes;
  return decodeUtf8(plain);
}

/** Credentials the traffic carries: bearer tokens, DCR request fields, DCR response fields. */
function learnFrom(redactor: Redactor, headers: IncomingHttpHeaders, body: string, contentType: string | undefined): void {
  const auth = headers.authorization;
  // The credential after the scheme; every text holding the whole header value holds it too.
  if (auth) redactor.learn(auth.replace(/^\s*\w+\s+/, ''));
  if (!body) return;
  try {
    const values: Record<string, unknown> = /json/i.test(contentType ?? '') ? (JSON.parse(body) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(body));
    for (const key of ['software_statement', 'client_id', 'client_secret', 'access_token']) {
      if (typeof values[key] === 'string') redactor.learn(values[key]);
    }
  } catch {
    // Not a body we can read: nothing to learn.
  }
}

/**
 * `value` as an http(s) URL, else a TypeError that shows it without its password: Node's own
 * "Invalid URL" error keeps the whole string in `input`, which structured loggers write out.
 */
function httpUrl(value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol)) throw new TypeError(`startProxy: upstream must be an http(s) URL, got "${safeUrl(String(value))}"`);
  const problem = operationPrefixProblem('startProxy: upstream', url);
  if (problem) throw new TypeError(problem);
  return url;
}

export async function startProxy(o: ProxyOptions): Promise<RunningProxy> {
  // Before anything is loaded or listened on: a NaN timer fires after 1 ms (every answer a 504).
  const timeoutMs = timerOption('startProxy', 'timeoutMs', o.timeoutMs ?? 30_000);
  const maxBytes = countOption('startProxy', 'maxBytes', o.maxBytes ?? 1024 * 1024, 1);
  const sendTimeoutMs = timerOption('startProxy', 'sendTimeoutMs', o.sendTimeoutMs ?? SEND_TIMEOUT_MS);
  const upstream = httpUrl(o.upstream);
  const description = o.description ?? loadDescription();
  const { doc, router } = description;
  const checker = new ResponseChecker(doc, description.validator);
  const redactor = new Redactor(o.secrets ?? []);
  // The environment's proxy (HTTPS_PROXY, NO_PROXY…), reached through CONNECT tunnels.
  const viaProxy = proxyFor(upstream);
  const tunnel = viaProxy ? tunnelThrough(viaProxy, upstream, timeoutMs) : undefined;
  // Tunnels are pooled as Node's global agent pools connections (kept alive, freed after 5 s idle):
  // one CONNECT (and, to an https host, one TLS handshake) serves the requests that follow.
  const tunnels = tunnel ? tunnelPool(upstream, tunnel) : undefined;
  redactor.learn(...urlPasswords(upstream), ...(viaProxy ? proxySecrets(viaProxy) : []));
  // The report directory is this proxy's until it closes: a second run there is refused (exit 2).
  const reportDir = o.reportDir ?? 'reports';
  const reportLock = await claimReportDir(reportDir);
  // Scheduled writes that fail are said (once per reason), not swallowed: a proxy runs for days.
  // (A directory removed under it is made and taken again by the write itself: `claimReportDir`.)
  let reportProblem: string | undefined;
  const reportWritten = (error?: unknown) => {
    if (!error) {
      if (reportProblem !== undefined) o.onReportError?.();
      reportProblem = undefined;
      return;
    }
    const message = (error as Error).message;
    if (message === reportProblem) return;
    reportProblem = message;
    o.onReportError?.(error as Error);
  };
  const writer = new ReportWriter(reportDir, redactor, reportLock, 200, reportWritten);

  const started = Date.now();
  // The run's duration on the monotonic clock: NTP stepping the wall clock back during a long run made it negative.
  const runStarted = performance.now();
  const runId = newRunId();
  const folded = new FoldedResults();
  const results = folded.rows;
  let exchanges = 0;
  const label = `proxy → ${safeUrl(upstream.origin)}`;
  const report = (status: RunStatus): RunReport => ({
    runId, target: label, mode: 'proxy', status, failOn: o.failOn ?? 'breaking', startedAt: new Date(started).toISOString(),
    updatedAt: new Date().toISOString(), durationMs: Math.round(performance.now() - runStarted), planned: 0, results: [...results], skipped: [],
  });
  const record = (r: CaseResult) => {
    folded.add(r, new Date().toISOString());
    o.onRecord?.(r);
    writer.schedule(report('running'));
  };
  const base = upstream.pathname.replace(/\/$/, '');
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const recording = o.record
    ? await openRecording(o.record, {
      creator: { name: 'pass-contract proxy', version: '1' },
      secrets: [...(o.secrets ?? []), ...urlPasswords(upstream), ...(viaProxy ? proxySecrets(viaProxy) : [])],
      ...(o.onRecordError ? { onError: o.onRecordError } : {}),
    }).catch(async (error: unknown) => {
      await reportLock.release();
      throw error;
    })
    : undefined;

  /**
   * The client's body within the proxy's deadline too (Node's own requestTimeout is 300 s): a client
   * that stops sending mid-body gets 408 and the connection closes. Undefined when the request is over.
   */
  const readClientBody = async (req: IncomingMessage, res: ServerResponse) => {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error(`no complete request within ${timeoutMs} ms`)), timeoutMs);
    try {
      return await readBody(req, maxBytes, { signal: deadline.signal });
    } catch {
      if (deadline.signal.aborted && !res.destroyed) res.writeHead(408, { 'Content-Type': 'text/plain', Connection: 'close' }).end(`pass-contract proxy: the request did not arrive within ${timeoutMs} ms\n`);
      else res.destroy();
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const t0 = performance.now();
    const startedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const method = req.method ?? 'GET';
    // route(), not match(): a segment with a bad %-escape is still forwarded, and its answer checked.
    const match = router.route(method, url.pathname);
    const n = ++exchanges;
    const name = `${method} ${url.pathname} #${n}`;
    const entry = match ? { id: `${match.op.operationId} › ${name}`, operationId: match.op.operationId, kind: 'traffic' as const, name, request: { method, path: url.pathname } } : undefined;
    // Over maxBytes (read or declared) the reading stops with the request paused: what came so far goes first, the rest streams through.
    const body = await readClientBody(req, res);
    if (!body) return;
    learnFrom(redactor, req.headers, body.tooLarge ? '' : body.bytes.toString('utf8'), req.headers['content-type']);

    // Raw name/value pairs keep the client's order and case; only Host names the upstream.
    const headers = forwardable(req.rawHeaders);
    for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === 'host') headers[i + 1] = upstream.host;
    const upstreamUrl = `${upstream.origin}${base}${url.pathname}${url.search}`;
    // The exchange as the upstream saw the request and the client the answer. Both times come from
    // Date.now (whole milliseconds), so a request sent after an answer never starts before it ended.
    const recordExchange = (status: number, statusText: string, responseHeaders: [string, string][], responseBody: Buffer | string): Promise<void> =>
      recording?.record({
        startedAt, durationMs: Math.max(0, Date.now() - startedAt),
        request: { method, url: upstreamUrl, headers: headerPairs(headers), body: body.bytes },
        response: { status, statusText, headers: responseHeaders, body: responseBody },
        ...(req.socket.remoteAddress ? { clientAddress: req.socket.remoteAddress } : {}),
      }) ?? Promise.resolve();
    const options = {
      protocol: upstream.protocol, hostname: upstream.hostname.replace(/^\[|\]$/g, ''), port: upstream.port || undefined,
      method, path: `${base}${url.pathname}${url.search}`, headers,
    };
    let upstreamReq: ClientRequest;
    // One deadline for the upstream's whole answer, headers and body (a request sent again included).
    const timer = setTimeout(() => upstreamReq.destroy(Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    let failed = false;
    let resent = false;
    const fail = (error: Error & { code?: string }) => {
      clearTimeout(timer);
      if (failed) return;
      failed = true;
      const timedOut = error.code === 'ETIMEDOUT';
      if (!res.headersSent) {
        const status = timedOut ? 504 : 502;
        const text = `pass-contract proxy: upstream ${timedOut ? 'timed out' : 'failed'} (${certificateProblem(error.code) ?? error.code ?? error.message})`;
        void recordExchange(status, '', [['Content-Type', 'text/plain']], text).then(() => res.writeHead(status, { 'Content-Type': 'text/plain' }).end(text));
      } else {
        // The client never gets a complete answer, so there is no exchange to record.
        res.destroy();
      }
      if (entry) record({ ...entry, outcome: 'error', drifts: [], error: redactor.text(`upstream ${timedOut ? 'timeout' : 'failure'}: ${error.code ?? ''} ${error.message}`.trim()), durationMs: performance.now() - t0 });
    };
    // A front end (load balancer, CDN edge) that drops connections idle for less time than the agent
    // keeps them pooled, without announcing it, closes one just as the next request goes out on it:
    // a reset or `socket hang up` before any answer, although the host is up. Node's documented
    // remedy (`request.reusedSocket`): send it again, once, on a new connection, if it may be repeated
    // and its body is at hand. A new connection that fails is the host's answer: a 502.
    const sendAgain = (request: ClientRequest, answering: boolean, error: Error & { code?: string }) =>
      !resent && !failed && !answering && request.reusedSocket && isDroppedCode(error.code) && !body.tooLarge && repeatable(method, url.pathname);
    // Pooled for the first attempt; a re-send gets a new connection outside the pool (a tunnel of
    // its own, without an agent).
    const pooled = tunnels ? { ...options, agent: tunnels } : options;
    const start = (fresh: boolean) => {
      const connection = fresh ? (tunnel ? { ...options, createConnection: tunnel } : { ...options, agent: false as const }) : pooled;
      const request = (upstreamReq = send(connection));
      let settled = false;
      let answering = false;
      request.on('error', (error: Error & { code?: string }) => {
        if (settled) return;
        settled = true;
        // Only before any answer: once one has begun (a reset mid-body), the client has its head.
        if (!sendAgain(request, answering, error)) return fail(error);
        resent = true;
        start(true);
      });
      request.once('response', (up: IncomingMessage) => {
        answering = true;
        answered(up);
      });
      if (!body.tooLarge) request.end(body.bytes);
      else {
        // Over maxBytes: what was read goes first, the rest streams through (with backpressure).
        if (body.bytes.length) request.write(body.bytes);
        pipeline(req, request, () => undefined);
      }
    };
    // A client that leaves before its answer has ended: the upstream is let go at once. Waited for,
    // it would be held until the deadline and reported as the upstream's timeout.
    res.once('close', () => {
      if (res.writableFinished || failed) return;
      failed = true;
      clearTimeout(timer);
      upstreamReq.destroy();
    });
    const answered = (up: IncomingMessage) => {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, forwardable(up.rawHeaders));
      const chunks: Buffer[] = [];
      let size = 0;
      up.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBytes) chunks.push(chunk);
        // A client that reads slower than the upstream sends holds the upstream back, rather than
        // the proxy buffering the difference.
        if (!res.write(chunk)) {
          up.pause();
          res.once('drain', () => up.resume());
        }
      });
      up.once('error', fail);
      up.once('end', () => {
        clearTimeout(timer);
        const status = up.statusCode ?? 0;
        const contentType = up.headers['content-type'];
        const encoding = up.headers['content-encoding'];
        const bytes = Buffer.concat(chunks);
        let decoded: ReturnType<typeof decode> | undefined;
        let decodeError: Error | undefined;
        if (size <= maxBytes) {
          try {
            decoded = decode(bytes, encoding, maxBytes);
          } catch (error) {
            decodeError = error as Error;
          }
        }
        const text = decoded?.text;
        // HAR holds the decoded body (its headers still say how it travelled).
        void recordExchange(status, up.statusMessage ?? '', headerPairs(up.rawHeaders), encoding && text !== undefined ? text : bytes).then(() => res.end());
        if (!entry) return; // not a described operation: forwarded, not judged
        if (size > maxBytes) {
          record({ ...entry, outcome: 'error', status, drifts: [], error: `response body of ${size} bytes forwarded but not checked (over ${maxBytes} bytes)`, durationMs: performance.now() - t0 });
          return;
        }
        if (text === undefined) {
          const error =
            (decodeError as NodeJS.ErrnoException | undefined)?.code === 'ERR_BUFFER_TOO_LARGE'
              ? `${encoding} body of ${size} bytes forwarded but not checked (it decodes to over ${maxBytes} bytes)`
              : `cannot decode the ${encoding} body: ${decodeError?.message}`;
          record({ ...entry, outcome: 'error', status, drifts: [], error, durationMs: performance.now() - t0 });
          return;
        }
        if (checker.unavailable(match!.op, status)) {
          record({ ...entry, outcome: 'error', status, drifts: [], error: unavailableMessage(status), durationMs: performance.now() - t0 });
          return;
        }
        if (url.pathname.endsWith(REGISTER_PATH) || url.pathname.endsWith(TOKEN_PATH)) learnFrom(redactor, {}, text, contentType);
        const observedHeaders = new Headers();
        for (let i = 0; i < up.rawHeaders.length; i += 2) observedHeaders.append(up.rawHeaders[i]!, up.rawHeaders[i + 1]!);
        const drifts = checker.check(match!.op, { status, headers: observedHeaders, body: text, url: upstreamUrl, ...(decoded?.notUtf8 ? { notUtf8: decoded.notUtf8 } : {}) }, { redactor });
        record(settle({ ...entry, outcome: 'pass', status, contentType: contentType ?? '', drifts, durationMs: performance.now() - t0 }));
      });
    };
    start(false);
  };

  // Answers under way; once stopping (close() has begun), each new one closes its connection when it ends.
  const active = new Set<ServerResponse>();
  let stopping = false;
  let drained: (() => void) | undefined;
  const server = createServer((req, res) => {
    active.add(res);
    if (stopping) res.shouldKeepAlive = false;
    res.once('close', () => {
      active.delete(res);
      if (!stopping) return;
      // The connection it leaves idle would otherwise keep the server open until the drain's end.
      setImmediate(() => server.closeIdleConnections());
      if (active.size === 0) drained?.();
    });
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' }).end(`pass-contract proxy: ${redactor.text(error.message)}`);
    });
  });
  closeStalledWrites(server, sendTimeoutMs);
  let url: string;
  try {
    url = await listen(server, o.port ?? 4011, o.host ?? '127.0.0.1');
    await writer.write(report('running'));
  } catch (error) {
    // A proxy that cannot listen or report does not start: nothing is left listening or open.
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    await recording?.close();
    await reportLock.release();
    throw error;
  }
  return {
    url,
    results,
    ...(recording ? { recording } : {}),
    flush: () => writer.write(report('running')),
    close: async (options: DrainOptions = {}) => {
      const drainMs = timerOption('proxy.close', 'drainMs', options.drainMs ?? 0, 0);
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // An answer whose head is not out yet says `Connection: close`; one already going ends its connection when done.
      for (const res of active) if (!res.headersSent) res.shouldKeepAlive = false;
      if (active.size > 0 && drainMs > 0 && !options.signal?.aborted) {
        options.onDrain?.(active.size);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, drainMs);
          function done() {
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', done);
            drained = undefined;
            resolve();
          }
          drained = done;
          options.signal?.addEventListener('abort', done, { once: true });
        });
      }
      server.closeAllConnections();
      await closed;
      tunnels?.destroy();
      await recording?.close();
      const final = report('complete');
      try {
        await writer.write(final);
      } finally {
        await reportLock.release();
      }
      return verdict(final);
    },
  };
}
