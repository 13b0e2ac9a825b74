// Contract cases as data, built from the description: documented situations and negative cases.
import { deref, requiredHeaders, type Json, type JsonObject, type OpenApiDocument, type Operation } from '../description/document.ts';
import type { ViolationMapper } from '../mock/violations.ts';

export interface CaseRequest {
  method: string;
  /** Path template and the values to fill it with (empty string = deliberately empty segment). */
  pathTemplate: string;
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: { mediaType: string; value: Json };
}

export interface CaseExpectation {
  /** Exact status (mock, negative cases); undefined = any status the operation documents. */
  status?: number;
  /** The documented example the mock must return verbatim. */
  example?: { name: string; value: Json; header?: string };
  /** The error code (enhanced `code` or OAuth `error`) a negative case must produce. */
  errorCode?: string;
  /** Only the status is checked: HTTP answers a wrong method with 405 even where a page lists no 405. */
  statusOnly?: boolean;
}

export interface Case {
  /** `<operationId> › <situation or negative case>`: test names and report rows. */
  id: string;
  operationId: string;
  kind: 'example' | 'negative';
  name: string;
  stateChanging: boolean;
  request: CaseRequest;
  /** `Prefer` header that makes the mock replay this situation. */
  prefer?: string;
  expect: CaseExpectation;
}

export type CaseMode = 'mock' | 'remote';

const WRONG_METHODS = ['DELETE', 'PATCH', 'PUT'];

function baseRequest(op: Operation, name: string): CaseRequest {
  const ex = op.requestExamples[name]!;
  const body = op.requestBody && name in op.requestBody.examples ? { mediaType: op.requestBody.mediaType, value: op.requestBody.examples[name]! } : undefined;
  return { method: op.method.toUpperCase(), pathTemplate: op.path, path: { ...ex.path }, query: { ...ex.query }, headers: { ...ex.headers }, ...(body ? { body } : {}) };
}

function exampleCases(op: Operation, mode: CaseMode, stateChanging: boolean): Case[] {
  return Object.entries(op.requestExamples).flatMap(([name, ex]): Case[] => {
    const request = baseRequest(op, name);
    if (mode === 'remote') return [{ id: `${op.operationId} › ${name}`, operationId: op.operationId, kind: 'example', name, stateChanging, request, expect: {} }];
    return (ex.responses ?? [name]).map((responseName) => {
      const response = op.responseExamples.find((r) => r.name === responseName)!;
      const label = responseName === name ? name : `${name} → ${responseName}`;
      // Prism selects body examples by name; a header-only example (a 302) is selected by status.
      const prefer = response.header ? `code=${response.status}` : `code=${response.status}, example=${responseName}`;
      return {
        id: `${op.operationId} › ${label}`, operationId: op.operationId, kind: 'example', name: label, stateChanging, request, prefer,
        expect: { status: Number(response.status), example: { name: responseName, value: response.value, ...(response.header ? { header: response.header } : {}) } },
      };
    });
  });
}

function negativeCases(doc: OpenApiDocument, op: Operation, mapper: ViolationMapper, stateChanging: boolean): Case[] {
  const first = Object.keys(op.requestExamples)[0];
  if (!first) return [];
  const base = baseRequest(op, first);
  const cases: Case[] = [];
  const add = (name: string, request: CaseRequest, violation: Parameters<ViolationMapper['reply']>[1][number] | { emptyPath: string }) => {
    const reply = 'emptyPath' in violation ? mapper.emptyPathParameter(op, violation.emptyPath) : mapper.reply(op, [violation])!;
    const code = reply.body ? String((reply.body as JsonObject).code ?? (reply.body as JsonObject).error) : undefined;
    cases.push({ id: `${op.operationId} › ${name}`, operationId: op.operationId, kind: 'negative', name, stateChanging, request, expect: { status: reply.status, ...(code ? { errorCode: code } : {}) } });
  };
  const without = (record: Record<string, string>, key: string) => Object.fromEntries(Object.entries(record).filter(([k]) => k.toLowerCase() !== key.toLowerCase()));

  for (const p of op.parameters.filter((p) => p.required)) {
    if (p.in === 'path') add(`empty path ${p.name}`, { ...base, path: { ...base.path, [p.name]: '' } }, { emptyPath: p.name });
    if (p.in === 'query') add(`missing query ${p.name}`, { ...base, query: without(base.query, p.name) }, { path: ['query'], code: 'required', message: `must have required property '${p.name.toLowerCase()}'`, severity: 0 });
  }
  for (const h of requiredHeaders(op).filter((h) => h !== 'Content-Type')) {
    const violation = h === 'Authorization'
      ? { code: 401, message: 'missing bearer token', severity: 0 }
      : { path: ['header'], code: 'required', message: `must have required property '${h.toLowerCase()}'`, severity: 0 };
    add(`missing header ${h}`, { ...base, headers: without(base.headers, h) }, violation);
  }
  const bodyValue = base.body?.value;
  if (base.body && bodyValue && typeof bodyValue === 'object' && !Array.isArray(bodyValue)) {
    const schema = deref<JsonObject>(doc, { $ref: op.requestBody!.schemaPointer }, op.requestBody!.schemaPointer).node;
    const required = (schema.required as string[] | undefined) ?? [];
    for (const field of Object.keys(bodyValue).filter((f) => required.includes(f))) {
      const { [field]: _dropped, ...rest } = bodyValue;
      add(`missing body field ${field}`, { ...base, body: { ...base.body, value: rest } }, { path: ['body'], code: 'required', message: `must have required property '${field}'`, severity: 0 });
    }
  }
  const described = new Set([op.method.toUpperCase()]);
  const method = WRONG_METHODS.find((m) => !described.has(m))!;
  const documents405 = '405' in (op.node.responses as JsonObject);
  cases.push({ id: `${op.operationId} › wrong method ${method}`, operationId: op.operationId, kind: 'negative', name: `wrong method ${method}`, stateChanging, request: { ...base, method }, expect: { status: 405, ...(documents405 ? {} : { statusOnly: true }) } });
  return cases;
}

/** Every case of the description, in document order; `mode` decides how examples are replayed. */
export function buildCases(doc: OpenApiDocument, operations: Operation[], mapper: ViolationMapper, mode: CaseMode): Case[] {
  return operations.flatMap((op) => {
    const stateChanging = op.node['x-state-changing'] === true;
    return [...exampleCases(op, mode, stateChanging), ...negativeCases(doc, op, mapper, stateChanging)];
  });
}
