// One HTTP exchange with hard bounds: a deadline that covers the headers and the whole body, a
// size cap, no redirects followed, cancellable from outside. The contract check's targets send
// through it; `diff` and `upstream` fetch descriptions with a redirect loop over it
// (src/diff/fetch.ts). The deadline is a timer we hold for the whole exchange (an
// AbortSignal.timeout() on a temporary Request stops firing once the signal is garbage-collected;
// see TOOLCHAIN.md).
import { blockedPortOf, blockedPortReason, certificateProblem, isDroppedCode, retryAfterMs, waitOrAbort } from 'pass-contract-client';
import { decodeUtf8, type Decoded, type NotUtf8 } from './utf8.ts';

/**
 * The client's words for a TLS certificate error code, its test for a connection closed under a
 * request, and its reading of Retry-After: one definition for every tool that connects (src/proxy
 * and src/diff may not import the client).
 */
export { certificateProblem, isDroppedCode, retryAfterMs };

export type FetchLike = (request: Request) => Promise<Response>;

export interface Bounds {
  /** Deadline for the whole exchange, headers and body (ms). */
  timeoutMs: number;
  /** Largest body accepted (bytes). */
  maxBytes: number;
  /** Cancels the exchange (the run's overall timeout, Ctrl-C). */
  signal?: AbortSignal;
}

export interface Exchange {
  status: number;
  headers: Headers;
  /** The body read as UTF-8, as fetch's text() reads it. */
  body: string;
  url: string;
  /** Where the body stops being UTF-8, when it does (its text has U+FFFD there). */
  notUtf8?: NotUtf8;
}

export type FailureKind = 'timeout' | 'too-large' | 'connection' | 'aborted';

/** A bounded exchange that did not complete. The message never contains the request's headers or body. */
export class HttpFailure extends Error {
  override name = 'HttpFailure';
  /**
   * @param declaredBytes for `too-large`, the Content-Length that broke the cap before any byte was
   *   read (absent when the body grew past it while streaming)
   */
  constructor(readonly kind: FailureKind, message: string, readonly declaredBytes?: number, readonly code?: string) {
    super(message);
  }

  /**
   * The connection closed under the request without an answer (`other side closed`, a reset, a
   * broken pipe): what a front end that drops idle pooled connections without announcing it causes
   * when its close and our next request cross. Asked again, on a new connection, the host answers.
   */
  get dropped(): boolean {
    return this.kind === 'connection' && isDroppedCode(this.code);
  }
}

/**
 * A proxy's refusal to open a tunnel (undici's ProxyAgent: "Proxy response (407) !== 200 when HTTP
 * Tunneling", some causes down): its status, the one thing of its answer worth showing.
 */
function proxyRefusal(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const status = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/.exec(e.message)?.[1];
    if (status) return `the proxy refused the tunnel: HTTP ${status}${status === '407' ? ' (Proxy Authentication Required: check the user and password in the proxy URL)' : ''}`;
  }
  return undefined;
}

// Requests in flight stay strongly reachable (with the signal fetch follows) until they settle.
const inflight = new Set<Request>();

export const DEFAULT_BOUNDS = { timeoutMs: 15_000, maxBytes: 1024 * 1024 } as const;

/** Sends `init` to `url` within `bounds`; resolves with the whole body as text. */
export async function exchange(fetch: FetchLike, url: string, init: RequestInit, bounds: Bounds): Promise<Exchange> {
  const controller = new AbortController();
  // Built first: a request the constructor refuses (a bad URL, a GET with a body) throws its TypeError
  // before there is a timer or a listener to release.
  const request = new Request(url, { ...init, redirect: 'manual', signal: controller.signal });
  const timer = setTimeout(() => controller.abort(new HttpFailure('timeout', `no complete response within ${bounds.timeoutMs} ms`)), bounds.timeoutMs);
  const onAbort = () => controller.abort(new HttpFailure('aborted', 'cancelled'));
  if (bounds.signal?.aborted) onAbort();
  bounds.signal?.addEventListener('abort', onAbort, { once: true });
  inflight.add(request);
  try {
    const response = await waitOrAbort(fetch(request), controller.signal);
    const { text, notUtf8 } = await waitOrAbort(readCapped(response, bounds.maxBytes, controller), controller.signal);
    return { status: response.status, headers: response.headers, body: text, url, ...(notUtf8 ? { notUtf8 } : {}) };
  } catch (error) {
    const reason = controller.signal.reason as unknown;
    if (reason instanceof HttpFailure) throw reason;
    if (error instanceof HttpFailure) throw error;
    const port = blockedPortOf(error, url);
    if (port) throw new HttpFailure('connection', `${blockedPortReason(port)}; serve it on another port`);
    const e = error as Error & { cause?: { code?: unknown; message?: string } };
    const code = typeof e.cause?.code === 'string' ? e.cause.code : undefined;
    throw new HttpFailure('connection', certificateProblem(code) ?? proxyRefusal(error) ?? code ?? e.cause?.message ?? e.message, undefined, code);
  } finally {
    clearTimeout(timer);
    bounds.signal?.removeEventListener('abort', onAbort);
    inflight.delete(request);
  }
}

async function readCapped(response: Response, maxBytes: number, controller: AbortController): Promise<Decoded> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    controller.abort(new HttpFailure('too-large', `response body of ${declared} bytes exceeds the ${maxBytes}-byte limit`, declared));
    throw controller.signal.reason;
  }
  if (!response.body) return { text: '' };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      controller.abort(new HttpFailure('too-large', `response body exceeds the ${maxBytes}-byte limit`));
      await reader.cancel().catch(() => undefined);
      throw controller.signal.reason;
    }
    chunks.push(value);
  }
  return decodeUtf8(Buffer.concat(chunks));
}
