// Sends contract cases to a target and records, per case, what drifted from the description.
import { isDeepStrictEqual } from 'node:util';
import { toForm } from 'pass-contract-client';
import type { Json, Operation } from '../description/document.ts';
import type { Case, CaseRequest } from './cases.ts';
import type { Drift, ResponseChecker } from './check-response.ts';

export type Outcome = 'pass' | 'drift' | 'error';

export interface CaseResult {
  id: string;
  operationId: string;
  kind: Case['kind'];
  name: string;
  outcome: Outcome;
  /** What was sent, without headers or body (they carry credentials). */
  request: { method: string; path: string };
  status?: number;
  contentType?: string;
  drifts: Drift[];
  error?: string;
  durationMs: number;
}

export interface RunOptions {
  baseUrl: string;
  fetch?: (input: Request) => Promise<Response>;
  /** Send each case's `Prefer` header (the mock replays documented situations with it). */
  sendPrefer?: boolean;
  /** Adapts a request to the target (credentials, ids) right before it is sent. */
  prepare?: (request: CaseRequest, c: Case) => Promise<CaseRequest> | CaseRequest;
  /** Waits for the target's pace before each request. */
  gate?: () => Promise<void>;
  timeoutMs?: number;
  onResult?: (result: CaseResult) => void;
}

export function buildUrl(baseUrl: string, r: CaseRequest): string {
  const path = r.pathTemplate.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(r.path[name] ?? ''));
  const query = new URLSearchParams(r.query).toString();
  return `${baseUrl.replace(/\/$/, '')}${path}${query ? `?${query}` : ''}`;
}

export function buildRequest(baseUrl: string, r: CaseRequest, prefer?: string, timeoutMs = 15_000): Request {
  const headers = new Headers(r.headers);
  if (prefer) headers.set('Prefer', prefer);
  let body: string | undefined;
  if (r.body) {
    headers.set('Content-Type', r.body.mediaType);
    body = r.body.mediaType.includes('json') ? JSON.stringify(r.body.value) : toForm(r.body.value as Record<string, unknown>);
  }
  return new Request(buildUrl(baseUrl, r), { method: r.method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
}

/** Expectations beyond the description: the exact error code of a negative case, the exact example the mock must replay. */
function expectationDrifts(c: Case, status: number, headers: Headers, text: string): Drift[] {
  if (c.expect.status !== undefined && status !== c.expect.status) return []; // already reported as a status drift
  const drifts: Drift[] = [];
  let body: Json | undefined;
  try {
    body = text ? (JSON.parse(text) as Json) : undefined;
  } catch {
    body = undefined;
  }
  if (c.expect.errorCode) {
    const field = body && typeof body === 'object' && !Array.isArray(body) && 'error' in body && !('code' in body) ? 'error' : 'code';
    const actual = body && typeof body === 'object' && !Array.isArray(body) ? body[field] : undefined;
    if (actual !== c.expect.errorCode) drifts.push({ kind: 'body', pointer: `/${field}`, expected: JSON.stringify(c.expect.errorCode), actual: JSON.stringify(actual ?? '(absent)') });
  }
  const example = c.expect.example;
  if (example?.header) {
    const actual = headers.get(example.header);
    if (actual !== example.value) drifts.push({ kind: 'header', pointer: `/headers/${example.header}`, expected: `example ${example.name}`, actual: String(actual) });
  } else if (example && !isDeepStrictEqual(body, example.value)) {
    drifts.push({ kind: 'body', pointer: '', expected: `the documented example ${example.name}`, actual: text.slice(0, 200) });
  }
  return drifts;
}

export async function runCases(cases: Case[], operations: Operation[], checker: ResponseChecker, o: RunOptions): Promise<CaseResult[]> {
  const fetch = o.fetch ?? ((r: Request) => globalThis.fetch(r));
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  const results: CaseResult[] = [];
  for (const c of cases) {
    const op = byId.get(c.operationId)!;
    const t0 = performance.now();
    let request = c.request;
    const summary = () => ({ method: request.method, path: new URL(buildUrl('http://x.invalid', request)).pathname });
    const base = { id: c.id, operationId: c.operationId, kind: c.kind, name: c.name };
    let result: CaseResult;
    try {
      if (o.prepare) request = await o.prepare(c.request, c);
      await o.gate?.();
      const response = await fetch(buildRequest(o.baseUrl, request, o.sendPrefer ? c.prefer : undefined, o.timeoutMs));
      const text = await response.text();
      const drifts = c.expect.statusOnly
        ? response.status === c.expect.status ? [] : [{ kind: 'status' as const, pointer: '', expected: String(c.expect.status), actual: String(response.status) }]
        : [...checker.check(op, { status: response.status, headers: response.headers, body: text }, c.expect.status), ...expectationDrifts(c, response.status, response.headers, text)];
      result = { ...base, request: summary(), outcome: drifts.length ? 'drift' : 'pass', status: response.status, contentType: response.headers.get('content-type') ?? '', drifts, durationMs: performance.now() - t0 };
    } catch (error) {
      const e = error as Error & { cause?: Error };
      result = { ...base, request: summary(), outcome: 'error', drifts: [], error: `${e.name}: ${e.message}${e.cause ? ` (${e.cause.message})` : ''}`, durationMs: performance.now() - t0 };
    }
    results.push(result);
    o.onResult?.(result);
  }
  return results;
}
