// Sends contract cases to a target one at a time and records, per case, what drifted from the
// description. Stops early (and says why) when the run is cancelled or the host stops answering.
import { isDeepStrictEqual } from 'node:util';
import type { Json, Operation } from '../description/document.ts';
import type { Case } from './cases.ts';
import { drift, unavailableMessage, type Drift, type ResponseChecker } from './check-response.ts';
import type { AcceptanceMatcher } from './drift-file.ts';
import { HttpFailure, type Exchange } from '../http/exchange.ts';
import { Redactor } from './redact.ts';
import { requestPath } from './request.ts';
import { settle, type CaseResult } from './results.ts';
import type { Target } from './target.ts';

export type { CaseResult, Outcome } from './results.ts';

export interface RunContext {
  target: Target;
  operations: Operation[];
  checker: ResponseChecker;
  redactor?: Redactor;
  signal?: AbortSignal;
  acceptance?: AcceptanceMatcher;
  onResult?: (result: CaseResult) => void;
  /** Failed exchanges in a row (timeouts, refused connections) after which the run stops (default 3). */
  maxConsecutiveFailures?: number;
  /** The streak of failed exchanges, shared with the target's own requests (its DCR calls count too). */
  streak?: { count: number };
}

export interface RunOutcome {
  results: CaseResult[];
  /** Set when the run stopped before its last case. */
  stopped?: { reason: 'cancelled' | 'host'; detail: string };
}

function parseJson(text: string): Json | undefined {
  try {
    return text ? (JSON.parse(text) as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** Expectations beyond the description: the exact error code of a negative case, the exact example the mock must replay. */
function expectationDrifts(c: Case, ex: Exchange, redactor: Redactor): Drift[] {
  if (c.expect.status !== undefined && ex.status !== c.expect.status) return []; // already a status drift
  const drifts: Drift[] = [];
  const body = parseJson(ex.body);
  const object = body && typeof body === 'object' && !Array.isArray(body) ? body : undefined;
  if (c.expect.errorCode) {
    const field = object && 'error' in object && !('code' in object) ? 'error' : 'code';
    const actual = object?.[field];
    if (actual !== c.expect.errorCode) {
      drifts.push(drift('error-code-mismatch', 'body', `/${field}`, `\`${c.expect.errorCode}\``, redactor.show(actual), `error code ${redactor.show(actual)}, the description documents \`${c.expect.errorCode}\` for this input`));
    }
  }
  const example = c.expect.example;
  if (example?.header) {
    const actual = ex.headers.get(example.header);
    if (actual !== example.value) drifts.push(drift('example-mismatch', 'header', `/headers/${example.header.toLowerCase()}`, `example ${example.name}`, redactor.show(actual ?? undefined), `${example.header} is not the documented example ${example.name}`));
  } else if (example && !isDeepStrictEqual(body, example.value)) {
    drifts.push(drift('example-mismatch', 'body', '', `the documented example ${example.name}`, redactor.show(body ?? ex.body), `the body is not the documented example ${example.name}`));
  }
  return drifts;
}

/** Judges one exchange of case `c`: the description's checks, then the case's own expectations. */
function judge(c: Case, op: Operation, ex: Exchange, checker: ResponseChecker, redactor: Redactor): Drift[] {
  if (c.expect.statusOnly) {
    return ex.status === c.expect.status ? [] : [drift('status-unexpected', 'status', '', String(c.expect.status), String(ex.status), `status ${ex.status}, the case expects ${c.expect.status}`)];
  }
  return [
    ...checker.check(op, { status: ex.status, headers: ex.headers, body: ex.body, url: ex.url, ...(ex.notUtf8 ? { notUtf8: ex.notUtf8 } : {}) }, { redactor, ...(c.expect.status !== undefined ? { expectedStatus: c.expect.status } : {}) }),
    ...expectationDrifts(c, ex, redactor),
  ];
}

export async function runCases(cases: Case[], ctx: RunContext): Promise<RunOutcome> {
  const redactor = ctx.redactor ?? new Redactor();
  const byId = new Map(ctx.operations.map((op) => [op.operationId, op]));
  const signal = ctx.signal ?? new AbortController().signal;
  const maxFailures = ctx.maxConsecutiveFailures ?? 3;
  const results: CaseResult[] = [];
  const streak = ctx.streak ?? { count: 0 };
  for (const c of cases) {
    if (signal.aborted) return { results, stopped: { reason: 'cancelled', detail: String((signal.reason as Error | undefined)?.message ?? 'cancelled') } };
    const op = byId.get(c.operationId)!;
    const t0 = performance.now();
    const base = { id: c.id, operationId: c.operationId, kind: c.kind, name: c.name, request: { method: c.request.method, path: requestPath(c.request) } };
    let result: CaseResult;
    try {
      const sent = await ctx.target.send(c, signal);
      const request = { method: sent.request.method, path: requestPath(sent.request) };
      if ('notChecked' in sent) {
        result = { ...base, request, outcome: 'not-checked', drifts: [], error: redactor.text(sent.notChecked), attempts: sent.attempts, durationMs: performance.now() - t0 };
      } else if (ctx.checker.unavailable(op, sent.exchange.status)) {
        // An outage, not drift; and like a timeout, a run of them stops the check.
        streak.count++;
        result = { ...base, request, outcome: 'error', status: sent.exchange.status, drifts: [], error: unavailableMessage(sent.exchange.status), attempts: sent.attempts, durationMs: performance.now() - t0 };
      } else {
        streak.count = 0;
        const ex = sent.exchange;
        result = settle({
          ...base, request, outcome: 'pass', status: ex.status, contentType: ex.headers.get('content-type') ?? '',
          drifts: judge(c, op, ex, ctx.checker, redactor), attempts: sent.attempts, durationMs: performance.now() - t0,
        });
      }
    } catch (error) {
      if (signal.aborted) return { results, stopped: { reason: 'cancelled', detail: String((signal.reason as Error | undefined)?.message ?? 'cancelled') } };
      const message = error instanceof HttpFailure ? `${error.kind}: ${error.message}` : `${(error as Error).name}: ${(error as Error).message}`;
      result = { ...base, outcome: 'error', drifts: [], error: redactor.text(message), durationMs: performance.now() - t0 };
      if (error instanceof HttpFailure && (error.kind === 'timeout' || error.kind === 'connection')) streak.count++;
    }
    result = ctx.acceptance ? ctx.acceptance.apply(result) : result;
    results.push(result);
    ctx.onResult?.(result);
    if (streak.count >= maxFailures) {
      return { results, stopped: { reason: 'host', detail: `the host stopped answering: ${streak.count} requests in a row failed (last: ${result.error})` } };
    }
  }
  return { results };
}
