// What a simulator handler returns, and the builders for Adobe's error shapes (enhanced errors
// from the description's catalog, OAuth errors for DCR, the throttle's HTML page).
import type { JsonObject } from '../description/document.ts';

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export interface CatalogEntry { code: string; status: number; action: string; message: string }

export const HELP_URL = 'https://experienceleague.adobe.com/docs/pass/authentication/auth-features/error-reportn/enhanced-error-codes.html';
export const JSON_TYPE = 'application/json;charset=UTF-8';

/**
 * Adobe's 429 page as its throttling page shows it: openresty's error page, whose lines end in CRLF
 * (the sample's `content-length: 166`; with LF it would be 159 bytes).
 */
export const THROTTLED_HTML = '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n';

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): SimResponse => ({ status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(body) });
export const html = (status: number, body: string, headers: Record<string, string> = {}): SimResponse => ({ status, headers: { 'Content-Type': 'text/html;charset=UTF-8', ...headers }, body });
export const redirect = (location: string): SimResponse => ({ status: 302, headers: { Location: location }, body: '' });

/** The description's error catalog (`x-error-catalog` of `ErrorCode`) by code. */
export function readCatalog(doc: { components: JsonObject }): Map<string, CatalogEntry> {
  const errorCode = (doc.components.schemas as JsonObject).ErrorCode as JsonObject;
  return new Map((errorCode['x-error-catalog'] as unknown as CatalogEntry[]).map((e) => [e.code, e]));
}

export interface EnhancedError {
  action: string;
  status: number;
  code: string;
  message: string;
  details?: string;
  helpUrl: string;
  trace?: string;
}

/** An enhanced error as Adobe's error page defines it; `trace` is a fresh id per error. */
export function enhancedError(entry: CatalogEntry, trace: string, details?: string, status = entry.status): EnhancedError {
  return { action: entry.action, status, code: entry.code, message: entry.message, ...(details ? { details } : {}), helpUrl: HELP_URL, trace };
}
