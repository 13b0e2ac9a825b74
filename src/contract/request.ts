// Turns a contract case's request (path template, values, headers, body) into URL and fetch init.
import { toForm } from 'pass-contract-client';
import type { CaseRequest } from './cases.ts';

export function buildUrl(baseUrl: string, r: CaseRequest): string {
  const path = r.pathTemplate.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(r.path[name] ?? ''));
  const query = new URLSearchParams(r.query).toString();
  return `${baseUrl.replace(/\/$/, '')}${path}${query ? `?${query}` : ''}`;
}

/** The path part of the request, for reports (no query: it may carry values, never headers or body). */
export const requestPath = (r: CaseRequest): string => new URL(buildUrl('http://x.invalid', r)).pathname;

export function buildInit(r: CaseRequest, prefer?: string): RequestInit {
  const headers = new Headers(r.headers);
  if (prefer) headers.set('Prefer', prefer);
  let body: string | undefined;
  if (r.body) {
    headers.set('Content-Type', r.body.mediaType);
    body = r.body.mediaType.includes('json') ? JSON.stringify(r.body.value) : toForm(r.body.value as Record<string, unknown>);
  }
  return { method: r.method, headers, ...(body !== undefined ? { body } : {}) };
}
