// Cross-origin answers as Adobe's host gives them, so that a web application (a TV network's site or
// player page, from its own origin) can call the mock and the simulator as it calls Adobe. Without
// them every call from a page was refused by the browser: the preflight got a 405.
//
// The values are Adobe's, from a response its throttling page shows (an openresty 429, captured in
// 2024): credentials allowed, POST, GET, OPTIONS and DELETE, and these request and response headers
// only. A page that sends another header (AP-Visitor-Identifier, AP-TempPass-Identity,
// X-Forwarded-For, …) is refused by its own browser at the preflight, as that response would have it.
// The origin is echoed: with credentials allowed, `*` is not a value a browser accepts.

/** Adobe's `access-control-allow-methods`. */
export const ADOBE_ALLOW_METHODS = 'POST,GET,OPTIONS,DELETE';
/** Adobe's `access-control-allow-headers`, as the throttling page shows it. */
export const ADOBE_ALLOW_HEADERS = 'ap_11,ap_42,ap_z,ap_19,ap_21,ap_23,authorization,content-type,pass_sfp,AP-Session-Identifier,AP-Device-Identifier,AP-SDK-Identifier,X-Device-Info';
/** Adobe's `access-control-expose-headers`: nothing else (`Retry-After`, `Date`, `Location`) is readable by a page. */
export const ADOBE_EXPOSE_HEADERS = 'pass_sfp,Authzf-Error-Code,Authzf-Sub-Error-Code,Authzf-Error-Details';

type RequestHeaders = Record<string, string | string[] | undefined>;

/** Headers of the server's own, beside Adobe's: request headers a page may send, response headers it may read. */
export interface OwnHeaders {
  allow?: readonly string[];
  expose?: readonly string[];
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * The headers an answer to a request from a page carries (`Origin` present), or undefined for any
 * other request. `own` adds the server's own headers (the mock's Prefer and X-Pass-Mock-Violation).
 */
export function corsHeaders(requestHeaders: RequestHeaders, own: OwnHeaders = {}): Record<string, string> | undefined {
  const origin = single(requestHeaders.origin);
  if (origin === undefined) return undefined;
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Methods': ADOBE_ALLOW_METHODS,
    'Access-Control-Allow-Headers': [ADOBE_ALLOW_HEADERS, ...(own.allow ?? [])].join(','),
    'Access-Control-Expose-Headers': [ADOBE_EXPOSE_HEADERS, ...(own.expose ?? [])].join(','),
    Vary: 'Origin',
  };
}

/**
 * The answer to a CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`), or
 * undefined when the request is not one. The browser compares what it asked for with the lists and
 * refuses the call itself when they do not cover it.
 */
export function preflightAnswer(method: string, requestHeaders: RequestHeaders, own: OwnHeaders = {}): { status: number; headers: Record<string, string>; body: string } | undefined {
  if (method.toUpperCase() !== 'OPTIONS' || single(requestHeaders['access-control-request-method']) === undefined) return undefined;
  const headers = corsHeaders(requestHeaders, own);
  return headers ? { status: 200, headers: { ...headers, 'Content-Length': '0' }, body: '' } : undefined;
}
