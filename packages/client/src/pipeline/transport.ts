// The innermost layer: one HTTP exchange with a timeout, the caller's signal, no redirects
// followed, and a bounded body that must be JSON.
import { waitOrAbort } from '../abort.ts';
import { timerMs } from '../bounds.ts';
import { blockedPortOf, PassError, PassNetworkError, PassResponseError, PassTimeoutError } from '../errors.ts';
import type { Call, Send } from './call.ts';

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

export interface TransportOptions {
  fetch?: (request: Request) => Promise<Response>;
  /** Per attempt, from sending to the last byte of the body. Default 15 s. */
  timeoutMs?: number;
  /** Larger bodies are cut off and the attempt fails. Default 1 MiB. */
  maxResponseBytes?: number;
}

/** Media types named in messages; any other declared type is server text and is not repeated. */
const KNOWN_TYPES = new Set(['application/json', 'application/problem+json', 'text/html', 'text/plain', 'text/xml', 'application/xml', 'application/octet-stream']);

/** The declared media type, lower-cased, without parameters. */
function mediaType(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The media type as messages may show it. */
const shown = (type: string) => (KNOWN_TYPES.has(type) ? type : undefined);

const isJson = (type: string) => type === 'application/json' || (/^application\/[a-z0-9.-]+\+json$/.test(type));

/** The body travelled with a content coding (gzip, deflate, br) that fetch undoes. */
function encoded(response: Response): boolean {
  const coding = response.headers.get('content-encoding');
  return coding !== null && coding.trim().toLowerCase() !== 'identity';
}

/** Reads the body, failing once it passes `max` bytes (and aborting the exchange with that failure). */
async function readBounded(response: Response, max: number, fail: (bytes: number) => never): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) fail(declared);
  if (!response.body) return new Uint8Array(0);
  // Declared, within the bound and not encoded: one read (a server sending more than it declared is
  // cut off by fetch). An encoded body's length is what travelled: fetch decodes it, and a small
  // gzip or brotli body can decode to gigabytes, so it is counted as it decodes.
  if (Number.isFinite(declared) && response.headers.has('content-length') && !encoded(response)) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) fail(total);
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * A copy of `response` without its body (what openapi-fetch reads as "no content"). A relative
 * Location is made absolute against the request's URL: the copy has no URL of its own.
 */
function withoutBody(response: Response, url: string): Response {
  // Cancel the unread body so the connection can be reused.
  void response.body?.cancel().catch(() => undefined);
  const headers = new Headers(response.headers);
  headers.set('content-length', '0');
  const location = response.headers.get('location');
  if (location) {
    try {
      headers.set('location', new URL(location, url).toString());
    } catch {
      /* left as sent */
    }
  }
  return new Response(null, { status: response.status, statusText: response.statusText, headers });
}

/** Decodes a whole body (no streaming state, so one decoder serves every call). */
const utf8 = new TextDecoder();

/**
 * The Requests handed to an injected fetch, by their attempt's signal, kept strongly reachable
 * until the attempt ends (headers and body). Node 20's fetch(request) follows the Request's signal
 * from a Request of its own that only a WeakRef reaches: once the garbage collector took it,
 * aborting did nothing, and a timed-out or cancelled request kept its connection open until the
 * host answered or undici gave up on it (300 s), one socket per call against a host that hangs.
 * While our Request is reachable, the abort gets through (`fetch(url, init)` needs no help).
 */
const inflight = new Map<AbortSignal, Request>();

/** A web page: where fetch also fails, with the same bare TypeError, when the browser refuses a cross-origin answer. */
const IN_PAGE = typeof (globalThis as { document?: unknown }).document === 'object';
const CROSS_ORIGIN_HINT = 'or the browser refused it: a cross-origin call the host\'s CORS answer does not allow, such as a request header outside its Access-Control-Allow-Headers; the browser\'s console says which';

export function transport(o: TransportOptions = {}): Send {
  // Node's fetch builds a Request from (url, init) itself: building one here first and handing it
  // over made two, each linking its own AbortSignal to ours (the costliest part of an attempt).
  // An injected fetch gets the Request its signature promises.
  const send = o.fetch
    ? (url: string, init: RequestInit & { signal: AbortSignal }) => {
        const request = new Request(url, init);
        inflight.set(init.signal, request);
        return o.fetch!(request);
      }
    : (url: string, init: RequestInit) => globalThis.fetch(url, init);
  // Refused when the client is built: a timer Node cannot hold timed every call out at once, and a
  // NaN bound read no body as too large.
  const timeoutMs = timerMs('timeoutMs', o.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const max = o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!(Number.isSafeInteger(max) && max > 0)) throw new RangeError(`maxResponseBytes must be a positive whole number of bytes, got ${max}`);

  /** One exchange: the response with its body read, bounded and checked. */
  async function exchange(call: Call, controller: AbortController, label: string): Promise<Response> {
    const hasBody = call.body !== undefined && call.method !== 'GET' && call.method !== 'HEAD';
    const response = await send(call.url, {
      method: call.method,
      headers: call.headers,
      ...(hasBody ? { body: call.body } : {}),
      signal: controller.signal,
      // Never follow: a redirect may lead to another host (an MVPD's HTML page) and would carry
      // the request's headers and body there. Callers read Location themselves.
      redirect: 'manual',
    });
    // In a browser, `redirect: 'manual'` gives a page no redirect to read: status 0, no headers. It
    // was a Response that could not be copied, and the caller heard "the connection failed".
    if (response.type === 'opaqueredirect') {
      throw new PassError(`${label}: the answer is a redirect, and a browser does not let a page read one (an opaque redirect: no status, no Location); in a browser, open the URL instead (authenticationUrl builds the sign-in one)`, { kind: 'protocol', operation: label });
    }
    // A 429's body is Adobe's HTML page: the rate-limit layer needs only the status and headers.
    if ((response.status >= 300 && response.status < 400) || response.status === 429) return withoutBody(response, call.url);
    const type = mediaType(response);
    const bytes = await readBounded(response, max, (n) => {
      const tooLarge = new PassResponseError(label, response.status, shown(type), n, `body larger than ${max} bytes (maxResponseBytes)`);
      controller.abort(tooLarge);
      throw tooLarge;
    });
    if (NULL_BODY.has(response.status) || bytes.byteLength === 0) {
      return new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    if (!isJson(type)) throw new PassResponseError(label, response.status, shown(type), bytes.byteLength, 'with a body that is not JSON');
    try {
      JSON.parse(utf8.decode(bytes));
    } catch {
      throw new PassResponseError(label, response.status, shown(type), bytes.byteLength, 'with a JSON content type but a body that does not parse');
    }
    return new Response(bytes.buffer as ArrayBuffer, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  return async (call: Call) => {
    const label = `${call.method} ${call.operation}`;
    call.signal?.throwIfAborted();
    const controller = new AbortController();
    // A plain timer, not AbortSignal.timeout(): a pending timer is referenced by the event loop
    // until it fires or is cleared, so it (and the controller it aborts) cannot be garbage-collected
    // while the request is pending. A timeout signal hanging off a temporary Request can be.
    const timer = setTimeout(() => controller.abort(new PassTimeoutError(label, timeoutMs)), timeoutMs);
    const onAbort = () => controller.abort(call.signal!.reason);
    call.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // The timeout and the caller's signal end the wait for the exchange, whatever fetch does with
      // the signal: an injected fetch may drop it, and Node 20's own, reading a body whose
      // Content-Encoding (gzip, deflate, br) does not match its bytes, was seen to leave the read
      // pending for ever after the abort.
      return await waitOrAbort(exchange(call, controller, label), controller.signal);
    } catch (error) {
      if (error instanceof PassError) throw error;
      // Whatever fetch threw after an abort, the abort's reason says what happened.
      if (controller.signal.aborted) throw controller.signal.reason;
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      const known = typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code) ? code : undefined;
      const port = blockedPortOf(error, call.url);
      throw new PassNetworkError(label, known, port, known === undefined && port === undefined && IN_PAGE ? CROSS_ORIGIN_HINT : undefined);
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
      if (o.fetch) inflight.delete(controller.signal);
    }
  };
}
