// The mock's `Prefer` header (Prism's convention: `code=<status>`, `example=<name>`) and the
// problem+json the mock answers when a preference names nothing the operation documents.
import type { Operation } from '../description/document.ts';

export interface Preferences {
  code?: number;
  example?: string;
}

/**
 * Reads `code` and `example` from a Prefer header (RFC 7240: `token[=value]` separated by commas,
 * values optionally quoted). Other preferences are ignored, as RFC 7240 asks: the mock serves
 * documented examples only (Prism's `dynamic=true` has no effect here).
 */
export function parsePrefer(header: string | undefined): { ok: true; value: Preferences } | { ok: false; message: string } {
  const out: Preferences = {};
  if (header === undefined) return { ok: true, value: out };
  for (const item of header.split(',')) {
    const [pair] = item.split(';');
    const eq = pair!.indexOf('=');
    const token = (eq < 0 ? pair! : pair!.slice(0, eq)).trim().toLowerCase();
    let value = eq < 0 ? '' : pair!.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (token === 'code') {
      if (!/^[1-5]\d\d$/.test(value)) return { ok: false, message: `Prefer: code=${JSON.stringify(value.slice(0, 40))} is not an HTTP status code` };
      out.code = Number(value);
    } else if (token === 'example') {
      if (value === '') return { ok: false, message: 'Prefer: example= needs an example name' };
      out.example = value;
    }
  }
  return { ok: true, value: out };
}

/**
 * What `Prefer` can select for an operation: the statuses it documents an example for (or no body at
 * all), and its named response examples. The mock serves documented examples only; a status whose
 * body has no example is not offered (Prism would make one up from the schema).
 */
export function documentedSituations(op: Operation): { statuses: number[]; examples: { name: string; status: number }[] } {
  const withExample = new Set(op.responseExamples.map((e) => Number(e.status)));
  const statuses = Object.entries((op.node.responses ?? {}) as Record<string, unknown>)
    .filter(([s]) => /^\d{3}$/.test(s))
    .map(([s]) => Number(s))
    .filter((s) => withExample.has(s) || !op.responseExamples.length || !hasBody(op, s));
  return { statuses, examples: op.responseExamples.map((e) => ({ name: e.name, status: Number(e.status) })) };
}

function hasBody(op: Operation, status: number): boolean {
  const response = (op.node.responses as Record<string, { content?: object; $ref?: string }>)[String(status)];
  // A $ref'd shared response (BadRequest…) always has a body; an inline one says.
  return response?.$ref !== undefined || Object.keys(response?.content ?? {}).length > 0;
}

/**
 * What Prism should select for `prefs`, or why the operation cannot honour them. An example named
 * without a code selects its own status; an example carried by a header (a 302 `Location`) is selected
 * by its status, as Prism looks examples up in response bodies only. Without preferences, the first
 * documented success example (Prism would pick the lowest 2xx even where only another has examples).
 */
export function resolvePrefer(op: Operation, prefs: Preferences): { ok: true; code?: number; exampleKey?: string } | { ok: false; title: string } {
  if (prefs.code === undefined && prefs.example === undefined) {
    const first = op.responseExamples.find((e) => /^[23]/.test(e.status));
    return first ? { ok: true, code: Number(first.status), ...(first.header ? {} : { exampleKey: first.name }) } : { ok: true };
  }
  if (prefs.code !== undefined && !documentedSituations(op).statuses.includes(prefs.code)) return { ok: false, title: `${op.operationId} documents no example for a ${prefs.code} response` };
  if (prefs.example === undefined) return { ok: true, ...(prefs.code !== undefined ? { code: prefs.code } : {}) };
  const example = op.responseExamples.find((e) => e.name === prefs.example && (prefs.code === undefined || Number(e.status) === prefs.code));
  if (!example) {
    const at = prefs.code !== undefined ? ` in its ${prefs.code} response` : '';
    return { ok: false, title: `${op.operationId} documents no example named ${JSON.stringify(prefs.example.slice(0, 80))}${at}` };
  }
  return { ok: true, code: Number(example.status), ...(example.header ? {} : { exampleKey: example.name }) };
}

export const MOCK_PROBLEM_TYPE = 'https://github.com/pass-contract/pass-contract#the-mock';

/** JSON Schema of the mock's own problem+json (a mistake in using the mock, not an Adobe situation). */
export const MOCK_PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'operationId', 'statuses', 'examples'],
  properties: {
    type: { const: MOCK_PROBLEM_TYPE },
    title: { type: 'string' },
    status: { enum: [400, 404] },
    detail: { type: 'string' },
    operationId: { type: 'string' },
    statuses: { type: 'array', items: { type: 'integer' } },
    examples: { type: 'array', items: { type: 'object', required: ['name', 'status'], properties: { name: { type: 'string' }, status: { type: 'integer' } }, additionalProperties: false } },
  },
  additionalProperties: false,
} as const;

/** The mock's answer to a Prefer header it cannot honour: what was asked and everything that can be asked. */
export function preferProblem(op: Operation, status: 400 | 404, title: string, detail: string): { status: number; headers: Record<string, string>; body: string } {
  const body = { type: MOCK_PROBLEM_TYPE, title, status, detail, operationId: op.operationId, ...documentedSituations(op) };
  return { status, headers: { 'Content-Type': 'application/problem+json' }, body: JSON.stringify(body) };
}
