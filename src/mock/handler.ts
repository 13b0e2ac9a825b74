// The mock's request handler as a pure function: a request in, the documented response out.
// Prism validates the request and picks the example; we read what Prism cannot (escapes, media types,
// base64 JSON headers, Prefer) and answer every rejected input in the description's own error shape.
import type { IHttpRequest } from '@stoplight/prism-http';
import { deref, type Json, type JsonObject, type Operation } from '../description/document.ts';
import type { ErrorReply } from '../description/errors.ts';
import type { Description } from '../description/index.ts';
import { corsHeaders, preflightAnswer } from '../http/cors.ts';
import { checkForm, headerValue, mediaTypeOf } from '../http/request.ts';
import type { PrismMocker, PrismOperation } from '../prism/index.ts';
import { parsePrefer, preferProblem, resolvePrefer } from './prefer.ts';
import { checkAccept, parseQuery, parseTarget } from './request.ts';
import { ViolationMapper, type PrismViolation } from './violations.ts';

export interface MockRequest {
  method: string;
  /** The request target as received: `/path?query` (or absolute-form). */
  target: string;
  /** Header names in lower case, as Node's IncomingMessage has them. */
  headers: Record<string, string | string[] | undefined>;
  /** The body bytes; undefined when the request had none. */
  body?: Uint8Array;
  /** Set instead of `body` when the body could not be read whole (e.g. larger than the server accepts). */
  bodyError?: string;
}

export interface MockResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
  /** Which input was rejected, when the answer is a documented error. */
  violation?: string;
  /** The operation the request was routed to. */
  operationId?: string;
}

export type MockHandler = (request: MockRequest) => MockResponse;

const JSON_MEDIA = 'application/json;charset=UTF-8';
/** The mock's own headers a page of another origin may send and read, besides Adobe's. */
const MOCK_OWN = { allow: ['Prefer'], expose: ['X-Pass-Mock-Violation'] };
const JSON_RANGES = new Set(['application/json', 'application/*', '*/*']);
// Headers the mock reads itself; Prism gets the request without them (its negotiator throws on a bad Accept).
const OWN_HEADERS = new Set(['accept', 'prefer', 'content-type', 'content-length', 'transfer-encoding']);

interface Prepared {
  op: Operation;
  resource: PrismOperation;
  accept?: { schemaPointer: string };
  /** Header parameters whose schema is base64 of JSON with a `contentSchema` (X-Device-Info, AP-Partner-Framework-Status…). */
  encodedHeaders: { name: string; schemaPointer: string }[];
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}

function errorResponse(reply: ErrorReply, op: Operation): MockResponse {
  const headers: Record<string, string> = { 'X-Pass-Mock-Violation': printable(reply.violation) };
  let body: string | undefined;
  if (reply.body) {
    headers['Content-Type'] = JSON_MEDIA;
    body = JSON.stringify(reply.body);
  } else if (reply.html !== undefined) {
    headers['Content-Type'] = 'text/html;charset=UTF-8';
    body = reply.html;
  }
  return { status: reply.status, headers, ...(body !== undefined ? { body } : {}), violation: reply.violation, operationId: op.operationId };
}

type Step<T> = { ok: true; value: T } | { ok: false; reply: ErrorReply };

/** The Accept header, when the operation documents one: media ranges that parse and cover JSON. */
function acceptProblem(accept: string, schemaPointer: string, validator: Description['validator']): string | undefined {
  const ranges = checkAccept(accept);
  if (!ranges.ok) return ranges.message;
  const coversJson = ranges.value.some((r) => JSON_RANGES.has(r.type) && r.q > 0);
  return coversJson && validator.validate(schemaPointer, accept).valid ? undefined : `Accept ${JSON.stringify(accept.slice(0, 80))} does not accept application/json`;
}

/**
 * The body of an operation that takes one, parsed in its documented media type; `headers` (Prism's
 * copy) get the normalised Content-Type and the length. Messages never quote the body: form values
 * and JSON members carry client secrets and software statements.
 */
function readBody(op: Operation & { requestBody: NonNullable<Operation['requestBody']> }, request: MockRequest, headers: Record<string, string>, mapper: ViolationMapper): Step<unknown> {
  const reject = (detail: string): Step<unknown> => ({ ok: false, reply: mapper.rejected(op, { in: 'body', missing: true }, detail) });
  if (request.bodyError) return reject(request.bodyError);
  const contentType = headerValue(request.headers['content-type']);
  const text = request.body && request.body.length > 0 ? Buffer.from(request.body).toString('utf8') : undefined;
  if (contentType === undefined && text === undefined) return { ok: true, value: undefined };
  const media = contentType === undefined ? { ok: false as const, message: 'a body without Content-Type' } : mediaTypeOf(contentType);
  if (!media.ok) return reject(media.message);
  if (media.value !== op.requestBody.mediaType) return reject(`Content-Type ${media.value} is not ${op.requestBody.mediaType}`);
  headers['content-type'] = op.requestBody.mediaType;
  headers['content-length'] = String(request.body?.length ?? 0);
  if (op.requestBody.mediaType === 'application/json') {
    try {
      return { ok: true, value: JSON.parse(text ?? '') as Json };
    } catch {
      return reject('body is not valid JSON');
    }
  }
  const form = checkForm(text ?? '');
  // A zero-length body with a Content-Type is an empty form, not a missing body.
  return form.ok ? { ok: true, value: text ?? '' } : reject(form.message);
}

/** The first base64 JSON header whose decoded document does not match its contentSchema (Prism checks the alphabet only). */
function encodedHeaderProblem(p: Prepared, headers: Record<string, string>, validator: Description['validator']): { name: string; detail: string } | undefined {
  for (const h of p.encodedHeaders) {
    const value = headers[h.name.toLowerCase()];
    if (value === undefined) continue;
    const result = validator.validateEncoded(h.schemaPointer, value);
    if (!result.valid) {
      const first = result.violations[0]!;
      return { name: h.name, detail: `${h.name}: ${first.path ? `${first.path} ` : ''}${first.message}` };
    }
  }
  return undefined;
}

/**
 * Builds the handler for a loaded description, over Prism's validator and mocker and its operations
 * for that description. `mapper` is injectable so tests can prove a wrong mapping is caught.
 */
export function createMockHandler(description: Description, prism: PrismMocker, resources: PrismOperation[], mapper = new ViolationMapper(description.doc, description.validator)): MockHandler {
  const { doc, router, validator } = description;
  const prepared = new Map<Operation, Prepared>();
  for (const op of description.operations) {
    const resource = resources.find((r) => r.method === op.method && r.path === op.path);
    if (!resource) throw new Error(`Prism has no operation for ${op.method.toUpperCase()} ${op.path}`);
    const accept = op.parameters.find((p) => p.in === 'header' && p.name.toLowerCase() === 'accept');
    const encodedHeaders = op.parameters
      .filter((p) => p.in === 'header' && p.schema)
      .filter((p) => {
        const schema = deref<JsonObject>(doc, { $ref: p.schemaPointer }, p.schemaPointer).node;
        return schema.contentEncoding === 'base64' && schema.contentSchema !== undefined;
      })
      .map((p) => ({ name: p.name, schemaPointer: p.schemaPointer }));
    prepared.set(op, { op, resource, ...(accept ? { accept: { schemaPointer: accept.schemaPointer } } : {}), encodedHeaders });
  }

  /** Everything after routing: the checks in the order a server meets them, then Prism's example. */
  const answer = (op: Operation, p: Prepared, request: MockRequest, rawPath: string, rawQuery: string): MockResponse => {
    const reject = (reply: ErrorReply) => errorResponse(reply, op);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      const v = headerValue(value);
      if (v !== undefined && !OWN_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = v;
    }
    const accept = headerValue(request.headers.accept);
    const badAccept = p.accept && accept !== undefined ? acceptProblem(accept, p.accept.schemaPointer, validator) : undefined;
    if (badAccept) return reject(mapper.rejected(op, { in: 'header', name: 'Accept' }, badAccept));

    let body: unknown;
    if (op.requestBody) {
      const read = readBody(op as Parameters<typeof readBody>[0], request, headers, mapper);
      if (!read.ok) return reject(read.reply);
      body = read.value;
    }

    const prefer = parsePrefer(headerValue(request.headers.prefer));
    if (!prefer.ok) return { ...preferProblem(op, 400, 'Invalid Prefer header', prefer.message), operationId: op.operationId };

    const element: IHttpRequest = { method: op.method as IHttpRequest['method'], url: { path: rawPath, query: parseQuery(rawQuery) }, headers, ...(body !== undefined ? { body } : {}) };
    const violations: PrismViolation[] = [];
    for (const check of [prism.validateSecurity, prism.validateInput]) {
      const result = check({ resource: p.resource, element });
      if (result._tag === 'Left') violations.push(...(result.left as PrismViolation[]));
    }
    const rejected = mapper.reply(op, violations);
    if (rejected) return reject(rejected);
    const badHeader = encodedHeaderProblem(p, headers, validator);
    if (badHeader) return reject(mapper.rejected(op, { in: 'header', name: badHeader.name }, badHeader.detail));

    const selected = resolvePrefer(op, prefer.value);
    if (!selected.ok) return { ...preferProblem(op, 404, selected.title, 'Prefer: code=<status> and/or example=<name> select a documented response; this operation has the statuses and examples listed here.'), operationId: op.operationId };
    const { code, exampleKey } = selected;
    const mocked = prism.mock({ resource: p.resource, input: { data: element, validations: [] }, config: { dynamic: false, ...(code ? { code } : {}), ...(exampleKey ? { exampleKey } : {}) } })(prism.logger);
    if (mocked._tag === 'Left') return reject(mapper.internalError(op, `mock failure: ${mocked.left.message}`));
    const { statusCode, headers: outHeaders = {}, body: outBody } = mocked.right;
    return {
      status: statusCode, operationId: op.operationId,
      headers: Object.fromEntries(Object.entries(outHeaders).map(([k, v]) => [k, String(v)])),
      ...(outBody !== undefined && outBody !== null ? { body: typeof outBody === 'string' ? outBody : JSON.stringify(outBody) } : {}),
    };
  };

  const handle: MockHandler = (request) => {
    let op: Operation | undefined;
    try {
      const target = parseTarget(request.target);
      if (!target.ok) return { status: 400, headers: {}, violation: target.message };
      const { path: rawPath, query: rawQuery } = target.value;
      const method = request.method.toLowerCase();
      const match = router.route(method, rawPath);
      if (!match) {
        const allowed = router.allowed(rawPath);
        if (allowed.length > 0) return { status: 405, headers: { Allow: allowed.join(', ') } };
        const near = router.emptyParameter(method, rawPath);
        if (near) return errorResponse(mapper.emptyPathParameter(near.op, near.param), near.op);
        return { status: 404, headers: {} };
      }
      op = match.op;
      if (match.kind === 'bad-escape') {
        return errorResponse(mapper.rejected(op, { in: 'path', name: match.param }, `path ${match.param}: ${JSON.stringify(match.raw.slice(0, 80))} is not valid percent-encoding`), op);
      }
      return answer(op, prepared.get(op)!, request, rawPath, rawQuery);
    } catch (error) {
      // A bug in the mock, not a malformed request: the documented 500, so a test notices.
      const detail = `mock failure: ${(error as Error).message}`;
      return op ? errorResponse(mapper.internalError(op, detail), op) : { status: 500, headers: {}, violation: detail };
    }
  };
  // A page of another origin calls the mock as it calls Adobe's host (src/http/cors.ts), and may also
  // send Prefer and read X-Pass-Mock-Violation.
  return (request) => {
    const preflight = preflightAnswer(request.method, request.headers, MOCK_OWN);
    if (preflight) return preflight;
    const response = handle(request);
    const cors = corsHeaders(request.headers, MOCK_OWN);
    return cors ? { ...response, headers: { ...response.headers, ...cors } } : response;
  };
}
