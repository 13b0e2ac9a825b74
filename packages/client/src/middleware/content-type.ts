// Sends each request body in its operation's documented media type (JSON or form-urlencoded).
import type { Middleware } from 'openapi-fetch';
import type { OperationInfo } from '../../generated/operations.ts';

const FORM = 'application/x-www-form-urlencoded';

/** A plain object as a form: arrays repeat the key, undefined members are left out. */
export function toForm(body: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) form.append(key, String(item));
  }
  return form.toString();
}

/**
 * Each rebuilt Request → the one it was built from, kept while the rebuilt one lives. The rebuilt
 * one follows the first one's signal, and that follows the caller's through an AbortController
 * that only the first Request holds (the caller's signal reaches it by a WeakRef: Node 20's
 * undici). Once openapi-fetch let go of the first Request and the garbage collector took it, the
 * caller's abort went nowhere: a cancelled call ran on to its timeout, and through the typed
 * client, which has none, for ever against a host that does not answer.
 */
const builtFrom = new WeakMap<Request, Request>();

/**
 * openapi-fetch serialises bodies as JSON unless told otherwise per call; the description says
 * which operations take a form, so callers never have to.
 */
export function contentTypeMiddleware(operations: Readonly<Record<string, OperationInfo>>): Middleware {
  return {
    async onRequest({ request, schemaPath }) {
      const mediaType = operations[`${request.method} ${schemaPath}`]?.requestMediaType;
      if (mediaType !== FORM || !request.body) return undefined;
      if ((request.headers.get('Content-Type') ?? '').startsWith(FORM)) return undefined;
      const body = toForm(JSON.parse(await request.text()) as Record<string, unknown>);
      const headers = new Headers(request.headers);
      headers.set('Content-Type', FORM);
      const rebuilt = new Request(request, { body, headers });
      builtFrom.set(rebuilt, request);
      return rebuilt;
    },
  };
}
