// Diffs two resolved descriptions into classified changes (rules.ts), operation by operation.
import { pointerSegment } from '../description/document.ts';
import { change, type Change } from './change.ts';
import { isObject, type Obj } from './json.ts';
import { operationsOf, schemaOf, type OperationView } from './operations.ts';
import { LEVELS, severity, type Level } from './rules.ts';
import { compareSchemas, type SchemaContext } from './schema.ts';

export interface DiffResult {
  changes: Change[];
  counts: Record<Level, number>;
  /** Number of changes per rule id, rule ids sorted. */
  rules: Record<string, number>;
}

export function diffDocuments(base: Obj, revision: Obj): DiffResult {
  const changes: Change[] = [];
  const emit = (c: Change) => changes.push(c);
  diffServers(base, revision, emit);
  const before = operationsOf(base);
  const after = operationsOf(revision);
  for (const [key, op] of before) if (!after.has(key)) emit(change('operation-removed', op.pointer, `${op.label} removed`, op.label));
  for (const [key, op] of after) {
    const old = before.get(key);
    if (!old) emit(change('operation-added', op.pointer, `${op.label} added`, op.label));
    else diffOperation(old, op, emit);
  }
  return summarize(changes);
}

function summarize(changes: Change[]): DiffResult {
  const sorted = [...changes].sort((x, y) => severity(y.level) - severity(x.level) || (x.operation ?? '').localeCompare(y.operation ?? '') || x.pointer.localeCompare(y.pointer) || x.rule.localeCompare(y.rule) || x.message.localeCompare(y.message));
  const counts = Object.fromEntries(LEVELS.map((l) => [l, sorted.filter((c) => c.level === l).length])) as Record<Level, number>;
  const rules: Record<string, number> = {};
  for (const c of [...sorted].sort((x, y) => x.rule.localeCompare(y.rule))) rules[c.rule] = (rules[c.rule] ?? 0) + 1;
  return { changes: sorted, counts, rules };
}

function diffServers(base: Obj, revision: Obj, emit: (c: Change) => void): void {
  const urls = (doc: Obj) => (Array.isArray(doc.servers) ? doc.servers : []).map((s, i) => [String((s as Obj).url ?? '').replace(/\/+$/, ''), `/servers/${i}`] as const);
  const b = new Map(urls(base));
  const a = new Map(urls(revision));
  for (const [url, at] of b) if (!a.has(url)) emit(change('server-removed', at, `server ${url} removed`));
  for (const [url, at] of a) if (!b.has(url)) emit(change('server-added', at, `server ${url} added`));
}

function diffOperation(b: OperationView, a: OperationView, emit: (c: Change) => void): void {
  const op = a.label;
  if (b.node.operationId !== a.node.operationId) emit(change('operation-id-changed', `${a.pointer}/operationId`, `operationId ${String(b.node.operationId ?? 'none')} → ${String(a.node.operationId ?? 'none')}`, op));
  if (a.node.deprecated === true && b.node.deprecated !== true) emit(change('operation-deprecated', `${a.pointer}/deprecated`, `${op} deprecated`, op));
  diffSecurity(b, a, emit);
  diffParameters(b, a, emit);
  diffRequestBody(b, a, emit);
  diffResponses(b, a, emit);
}

function diffSecurity(b: OperationView, a: OperationView, emit: (c: Change) => void): void {
  // Each alternative is a set of schemes used together; {} (or no requirement) means anonymous is fine.
  const alternatives = (o: OperationView) => new Set(o.security.map((req) => Object.keys(req).sort().join(' + ')));
  const x = alternatives(b);
  const y = alternatives(a);
  const anonymous = (s: Set<string>) => s.size === 0 || s.has('');
  const at = `${a.pointer}/security`;
  if (anonymous(x) && !anonymous(y)) return emit(change('operation-security-added', at, `now requires ${[...y].join(' or ')}`, a.label));
  if (!anonymous(x) && anonymous(y)) return emit(change('operation-security-removed', at, 'no longer requires credentials', a.label));
  for (const alt of x) if (alt && !y.has(alt)) emit(change('operation-security-alternative-removed', at, `${alt} no longer accepted`, a.label));
  for (const alt of y) if (alt && !x.has(alt)) emit(change('operation-security-alternative-added', at, `${alt} now accepted`, a.label));
}

function diffParameters(b: OperationView, a: OperationView, emit: (c: Change) => void): void {
  const op = a.label;
  for (const [key, p] of b.parameters) if (!a.parameters.has(key)) emit(change('request-parameter-removed', p.pointer, `${p.in} parameter ${p.name} removed`, op));
  for (const [key, p] of a.parameters) {
    const old = b.parameters.get(key);
    const required = p.node.required === true || p.in === 'path';
    if (!old) {
      emit(change(required ? 'request-parameter-added-required' : 'request-parameter-added', p.pointer, `${required ? 'required' : 'optional'} ${p.in} parameter ${p.name} added`, op));
      continue;
    }
    const wasRequired = old.node.required === true || old.in === 'path';
    if (wasRequired !== required) emit(change(`request-parameter-became-${required ? 'required' : 'optional'}`, `${p.pointer}/required`, `${p.in} parameter ${p.name} became ${required ? 'required' : 'optional'}`, op));
    const x = schemaOf(old.node, old.pointer);
    const y = schemaOf(p.node, p.pointer);
    if (x && y) compareSchemas(context('request', 'request-parameter', op, `${p.in} parameter ${p.name}`, emit), x.schema, y.schema, y.pointer, x.pointer, p.name);
  }
}

function context(direction: 'request' | 'response', prefix: string, operation: string, where: string, emit: (c: Change) => void): SchemaContext {
  return { direction, prefix, operation, where, emit };
}

function diffRequestBody(b: OperationView, a: OperationView, emit: (c: Change) => void): void {
  const op = a.label;
  const x = isObject(b.node.requestBody) ? b.node.requestBody : undefined;
  const y = isObject(a.node.requestBody) ? a.node.requestBody : undefined;
  const bodyAt = (o: OperationView) => `${o.pointer}/requestBody`;
  if (!x && !y) return;
  if (!x) return emit(change(y!.required === true ? 'request-body-added-required' : 'request-body-added', bodyAt(a), `${y!.required === true ? 'required' : 'optional'} request body added`, op));
  if (!y) return emit(change('request-body-removed', bodyAt(b), 'request body removed', op));
  if ((x.required === true) !== (y.required === true)) emit(change(`request-body-became-${y.required === true ? 'required' : 'optional'}`, `${bodyAt(a)}/required`, `request body became ${y.required === true ? 'required' : 'optional'}`, op));
  diffContent(x.content, y.content, `${bodyAt(b)}/content`, `${bodyAt(a)}/content`, 'request', op, 'request body', emit);
}

function diffContent(x: unknown, y: unknown, bAt: string, aAt: string, direction: 'request' | 'response', op: string, where: string, emit: (c: Change) => void): void {
  const norm = (c: unknown) => new Map(Object.entries(isObject(c) ? c : {}).map(([k, v]) => [k.toLowerCase(), [k, v] as const]));
  const bm = norm(x);
  const am = norm(y);
  for (const [type, [raw]] of bm) if (!am.has(type)) emit(change(`${direction}-media-type-removed`, `${bAt}/${pointerSegment(raw)}`, `${where}: media type ${raw} removed`, op));
  for (const [type, [raw, media]] of am) {
    const old = bm.get(type);
    if (!old) {
      emit(change(`${direction}-media-type-added`, `${aAt}/${pointerSegment(raw)}`, `${where}: media type ${raw} added`, op));
      continue;
    }
    const [oldRaw, oldMedia] = old;
    if (isObject(oldMedia) && isObject(media)) {
      compareSchemas(context(direction, `${direction}-property`, op, `${where} ${raw}`, emit), oldMedia.schema, media.schema, `${aAt}/${pointerSegment(raw)}/schema`, `${bAt}/${pointerSegment(oldRaw)}/schema`);
    }
  }
}

const isSuccess = (status: string) => /^[23]/.test(status);

function diffResponses(b: OperationView, a: OperationView, emit: (c: Change) => void): void {
  const op = a.label;
  const x = isObject(b.node.responses) ? b.node.responses : {};
  const y = isObject(a.node.responses) ? a.node.responses : {};
  const at = (o: OperationView, status: string) => `${o.pointer}/responses/${pointerSegment(status)}`;
  for (const status of Object.keys(x)) {
    if (status in y) continue;
    emit(change(isSuccess(status) ? 'response-success-status-removed' : 'response-status-removed', at(b, status), `status ${status} removed`, op));
  }
  for (const [status, response] of Object.entries(y)) {
    const old = x[status];
    if (old === undefined) {
      emit(change('response-status-added', at(a, status), `status ${status} added`, op));
      continue;
    }
    if (!isObject(old) || !isObject(response)) continue;
    diffContent(old.content, response.content, `${at(b, status)}/content`, `${at(a, status)}/content`, 'response', op, `${status} response`, emit);
    diffResponseHeaders(old, response, at(b, status), at(a, status), op, status, emit);
  }
}

function diffResponseHeaders(x: Obj, y: Obj, bAt: string, aAt: string, op: string, status: string, emit: (c: Change) => void): void {
  const norm = (h: unknown) => new Map(Object.entries(isObject(h) ? h : {}).map(([k, v]) => [k.toLowerCase(), [k, isObject(v) ? v : {}] as const]));
  const bh = norm(x.headers);
  const ah = norm(y.headers);
  for (const [name, [raw, header]] of bh) {
    if (!ah.has(name)) emit(change(header.required === true ? 'response-required-header-removed' : 'response-header-removed', `${bAt}/headers/${pointerSegment(raw)}`, `${status} response: header ${raw} removed`, op));
  }
  for (const [name, [raw, header]] of ah) {
    const old = bh.get(name);
    const pointer = `${aAt}/headers/${pointerSegment(raw)}`;
    if (!old) {
      emit(change('response-header-added', pointer, `${status} response: header ${raw} added`, op));
      continue;
    }
    const [oldRaw, oldHeader] = old;
    if ((oldHeader.required === true) !== (header.required === true)) emit(change(`response-header-became-${header.required === true ? 'required' : 'optional'}`, `${pointer}/required`, `${status} response: header ${raw} became ${header.required === true ? 'required' : 'optional'}`, op));
    const s = schemaOf(oldHeader, `${bAt}/headers/${pointerSegment(oldRaw)}`);
    const t = schemaOf(header, pointer);
    if (s && t) compareSchemas(context('response', 'response-header', op, `${status} response header ${raw}`, emit), s.schema, t.schema, t.pointer, s.pointer, raw);
  }
}
