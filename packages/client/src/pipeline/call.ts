// One call to Adobe as the client's layers see it, and how layers are composed.
//
// Why layers around fetch rather than openapi-fetch middleware: a middleware that sends a request
// again (retry, token refresh, 429) can only call fetch directly, so its re-sends skip every other
// middleware — the logger, the throttle, the 429 handling. A layer calls `next`, so each re-send
// goes through the layers below it like the first attempt did.
import { operations } from '../../generated/operations.ts';
import { errorName, type AttemptReason, type FailureStage, type Logger } from '../log.ts';

export interface Call {
  readonly method: string;
  readonly url: string;
  /** `/api/v2/{serviceProvider}/configuration`: the operation's path template (or the path, if unknown). */
  readonly operation: string;
  /** Mutable: the auth layer sets Authorization per attempt. */
  readonly headers: Headers;
  /** Buffered so the call can be sent again. */
  readonly body: ArrayBuffer | undefined;
  /** The caller's signal: aborts every wait and attempt of the call. */
  readonly signal: AbortSignal | undefined;
  /** The caller's cache mode (`no-store` / `reload` skip the configuration cache). */
  readonly cache: RequestCache;
  /** Attempts sent so far. */
  attempt: number;
  /** Why the next attempt goes out. */
  reason: AttemptReason;
}

export type Send = (call: Call) => Promise<Response>;
export type Layer = (next: Send) => Send;

/** `compose(a, b, c)(send)` runs a, then b, then c, then send. */
export const compose = (...layers: Layer[]) => (send: Send): Send => layers.reduceRight<Send>((next, layer) => layer(next), send);

/** The path of `url` and who to tell: the pieces log entries are made of. */
export const where = (call: Call) => ({ method: call.method, operation: call.operation, path: new URL(call.url).pathname });

export const logTo = (log: Logger | undefined) => log ?? (() => undefined);

/** Awaits `work` (a token, a throttle slot, a backoff); if it fails, tells `log` at which stage, then rethrows. */
export async function failingAt<T>(log: Logger, call: Call, stage: FailureStage, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    log({ event: 'failure', ...where(call), stage, error: errorName(error) });
    throw error;
  }
}

interface Template { path: string; segments: string[]; literals: number }

/** The templates by method and number of segments: the only ones a request can match. */
const TEMPLATES = new Map<string, Template[]>();
for (const key of Object.keys(operations)) {
  const [method, path] = key.split(' ') as [string, string];
  const segments = path.split('/').slice(1);
  const group = `${method} ${segments.length}`;
  TEMPLATES.set(group, [...(TEMPLATES.get(group) ?? []), { path, segments, literals: segments.filter((s) => !s.startsWith('{')).length }]);
}

/**
 * The described operation a request is for, from its method and URL (after the base URL's own
 * path), with the base URL worked out once. When two templates match (`/profiles/code/X` and
 * `/profiles/{mvpd}`), the one with more literal segments wins. Unknown requests keep their path.
 * A request URL that starts with the base URL's origin (what openapi-fetch builds) gives its path
 * without being parsed again.
 */
export function operationMatcher(baseUrl: string): (method: string, url: string) => string {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const origin = `${base.origin}/`;
  return (method, url) => {
    let path: string;
    if (url.startsWith(origin)) {
      // The serialised URL is origin + path + query + fragment: the path ends at "?" or "#".
      const end = url.search(/[?#]/);
      path = url.slice(origin.length - 1, end < 0 ? url.length : end);
    } else {
      path = new URL(url).pathname;
    }
    if (prefix && path.startsWith(prefix)) path = path.slice(prefix.length);
    const segments = path.split('/').slice(1);
    let best: Template | undefined;
    for (const t of TEMPLATES.get(`${method} ${segments.length}`) ?? []) {
      if (!t.segments.every((s, i) => s.startsWith('{') || s === segments[i])) continue;
      if (!best || t.literals > best.literals) best = t;
    }
    return best?.path ?? path;
  };
}

/** A fetch for openapi-fetch that turns each Request into a Call and sends it through `send`. */
export function toFetch(send: Send, baseUrl: string): (request: Request) => Promise<Response> {
  const operationOfRequest = operationMatcher(baseUrl);
  return async (request) => {
    const body = request.body ? await request.arrayBuffer() : undefined;
    return send({
      method: request.method,
      url: request.url,
      operation: operationOfRequest(request.method, request.url),
      headers: new Headers(request.headers),
      body,
      signal: request.signal,
      cache: request.cache,
      attempt: 0,
      reason: 'first',
    });
  };
}
