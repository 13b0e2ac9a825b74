// Contract cases as data, built from the description: documented situations and negative cases.
import { deref, errorCatalog, requiredHeaders, type Json, type JsonObject, type OpenApiDocument, type Operation } from '../description/document.ts';

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

/** Every value a schema allows for a string (enum, const, oneOf/anyOf of consts, through $refs and allOf). */
function allowedValues(doc: OpenApiDocument, node: Json | undefined, at: string, depth = 0): Set<string> {
  const out = new Set<string>();
  if (!node || typeof node !== 'object' || Array.isArray(node) || depth > 10) return out;
  const { node: schema, pointer } = deref<JsonObject>(doc, node, at);
  for (const v of (schema.enum as Json[] | undefined) ?? []) if (typeof v === 'string') out.add(v);
  if (typeof schema.const === 'string') out.add(schema.const);
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    ((schema[key] as Json[] | undefined) ?? []).forEach((sub, i) => allowedValues(doc, sub, `${pointer}/${key}/${i}`, depth + 1).forEach((v) => out.add(v)));
  }
  return out;
}

/** The error codes a documented JSON error body can carry: the values of its `code` (enhanced error) or `error` (OAuth) member. */
function documentedCodes(doc: OpenApiDocument, schemaNode: Json, at: string): Set<string> {
  const out = new Set<string>();
  const visit = (node: Json, pointer: string, depth: number) => {
    if (depth > 10) return;
    const { node: schema, pointer: here } = deref<JsonObject>(doc, node, pointer);
    const properties = (schema.properties ?? {}) as JsonObject;
    for (const member of ['code', 'error']) {
      if (properties[member]) allowedValues(doc, properties[member], `${here}/properties/${member}`).forEach((v) => out.add(v));
    }
    ((schema.allOf as Json[] | undefined) ?? []).forEach((sub, i) => visit(sub, `${here}/allOf/${i}`, depth + 1));
  };
  visit(schemaNode, at, 0);
  return out;
}

/**
 * What the description documents for a rejected input, read from the description alone (never from
 * the mock): the first of `codes` (the input's `x-error-code`, then its body's) that the operation's
 * documented error response for that code's status can carry. An enhanced code's status is the one
 * `x-error-catalog` lists; an OAuth code's is the status whose documented body lists it. An HTML error
 * page carries no code: only the status is expected. With no fitting code, a bare 400.
 */
export function documentedRejection(doc: OpenApiDocument, op: Operation, codes: unknown[]): CaseExpectation {
  const catalog = errorCatalog(doc);
  const responses = (op.node.responses ?? {}) as JsonObject;
  const bodyAt = (status: string) => {
    const response = deref<JsonObject>(doc, responses[status]!, `${op.pointer}/responses/${status}`);
    const content = (response.node.content ?? {}) as JsonObject;
    const json = content['application/json'] as JsonObject | undefined;
    return { html: 'text/html' in content, codes: json?.schema ? documentedCodes(doc, json.schema, `${response.pointer}/content/application~1json/schema`) : new Set<string>() };
  };
  for (const code of codes.filter((c): c is string => typeof c === 'string')) {
    const statuses = catalog.has(code) ? [String(catalog.get(code)!.status)] : Object.keys(responses).filter((s) => /^4\d\d$/.test(s) && bodyAt(s).codes.has(code));
    const status = statuses.find((s) => s in responses);
    if (!status) continue;
    const body = bodyAt(status);
    if (body.codes.has(code)) return { status: Number(status), errorCode: code };
    if (body.html) return { status: Number(status) };
  }
  return { status: 400 };
}

const xErrorCode = (node: unknown): unknown => (node as JsonObject | undefined)?.['x-error-code'];

// Valid base64 whose bytes are not JSON: a malformed base64-JSON header (X-Device-Info and its kind).
const NOT_BASE64_JSON = Buffer.from('not json').toString('base64');

function negativeCases(doc: OpenApiDocument, op: Operation, mode: CaseMode, stateChanging: boolean): Case[] {
  const first = Object.keys(op.requestExamples)[0];
  if (!first) return [];
  const base = baseRequest(op, first);
  const cases: Case[] = [];
  const bodySchema = op.requestBody ? deref<JsonObject>(doc, { $ref: op.requestBody.schemaPointer }, op.requestBody.schemaPointer).node : undefined;
  // A parameter's or header's own code first; an operation with a body (DCR) falls back to the body's code.
  const inputCodes = (own: unknown) => [own, xErrorCode(bodySchema)];
  const add = (name: string, request: CaseRequest, codes: unknown[]) => {
    cases.push({ id: `${op.operationId} › ${name}`, operationId: op.operationId, kind: 'negative', name, stateChanging, request, expect: documentedRejection(doc, op, codes) });
  };
  const without = (record: Record<string, string>, key: string) => Object.fromEntries(Object.entries(record).filter(([k]) => k.toLowerCase() !== key.toLowerCase()));

  for (const p of op.parameters.filter((p) => p.required)) {
    if (p.in === 'path') add(`empty path ${p.name}`, { ...base, path: { ...base.path, [p.name]: '' } }, inputCodes(xErrorCode(p)));
    if (p.in === 'query') add(`missing query ${p.name}`, { ...base, query: without(base.query, p.name) }, inputCodes(xErrorCode(p)));
  }
  const securityCode = xErrorCode(((doc.components.securitySchemes ?? {}) as JsonObject).accessToken);
  for (const h of requiredHeaders(op).filter((h) => h !== 'Content-Type')) {
    const param = op.parameters.find((p) => p.in === 'header' && p.name === h);
    add(`missing header ${h}`, { ...base, headers: without(base.headers, h) }, h === 'Authorization' ? [securityCode] : inputCodes(xErrorCode(param)));
  }
  // Against the mock only: Adobe's own samples send an X-Device-Info that is not JSON (ERRATA 1), so a
  // real host may well accept one; the description says what the mock must answer.
  if (mode === 'mock') {
    for (const p of op.parameters.filter((p) => p.in === 'header' && p.name in base.headers)) {
      const schema = deref<JsonObject>(doc, { $ref: p.schemaPointer }, p.schemaPointer).node;
      if (schema.contentEncoding !== 'base64' || !schema.contentSchema) continue;
      add(`malformed header ${p.name}`, { ...base, headers: { ...base.headers, [p.name]: NOT_BASE64_JSON } }, inputCodes(xErrorCode(p)));
    }
  }
  const bodyValue = base.body?.value;
  if (base.body && bodyValue && typeof bodyValue === 'object' && !Array.isArray(bodyValue) && bodySchema) {
    const required = (bodySchema.required as string[] | undefined) ?? [];
    for (const field of Object.keys(bodyValue).filter((f) => required.includes(f))) {
      const { [field]: _dropped, ...rest } = bodyValue;
      // A missing field is a malformed body first (OAuth's invalid_request), then the field's own code.
      const property = ((bodySchema.properties ?? {}) as JsonObject)[field];
      add(`missing body field ${field}`, { ...base, body: { ...base.body, value: rest } }, [xErrorCode(bodySchema), xErrorCode(property)]);
    }
  }
  const described = new Set([op.method.toUpperCase()]);
  const method = WRONG_METHODS.find((m) => !described.has(m))!;
  const documents405 = '405' in (op.node.responses as JsonObject);
  cases.push({ id: `${op.operationId} › wrong method ${method}`, operationId: op.operationId, kind: 'negative', name: `wrong method ${method}`, stateChanging, request: { ...base, method }, expect: { status: 405, ...(documents405 ? {} : { statusOnly: true }) } });
  return cases;
}

/**
 * Every case of the description, in document order; `mode` decides how examples are replayed.
 * Expectations come from the description only (examples, `x-error-code`, documented responses).
 */
export function buildCases(doc: OpenApiDocument, operations: Operation[], mode: CaseMode): Case[] {
  return operations.flatMap((op) => {
    const stateChanging = op.node['x-state-changing'] === true;
    return [...exampleCases(op, mode, stateChanging), ...negativeCases(doc, op, mode, stateChanging)];
  });
}
