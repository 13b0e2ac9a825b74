// What a simulator handler returns, and the builders for its shapes (JSON, HTML, redirects, the
// throttle's HTML page); documented errors come from src/description/errors.ts.
import type { ErrorReply } from '../description/errors.ts';

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export const JSON_TYPE = 'application/json;charset=UTF-8';

/**
 * Adobe's 429 page as its throttling page shows it: openresty's error page, whose lines end in CRLF
 * (the sample's `content-length: 166`; with LF it would be 159 bytes).
 */
export const THROTTLED_HTML = '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n';

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({ status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(body) });
export const html = (status: number, body: string, headers: Record<string, string> = {}): SimResponse => ({ status, headers: { 'Content-Type': 'text/html;charset=UTF-8', ...headers }, body });
export const redirect = (location: string): SimResponse => ({ status: 302, headers: { Location: location }, body: '' });

/** A documented error as the simulator sends it: JSON, an HTML page, or the status alone. */
export const errorResponse = (r: ErrorReply): SimResponse => (r.body ? json(r.status, r.body) : r.html !== undefined ? html(r.status, r.html) : { status: r.status, headers: {}, body: '' });
