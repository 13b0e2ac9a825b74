// Compares Adobe's published OpenAPI files with our description: what one side has that the other lacks.
// Adobe's files are generated and loose (few enums, almost nothing required, errors typed as objects), so only
// names are compared: operations, parameters, statuses, media types, properties, and enum values where both list some.
import { isObject, type Obj } from './json.ts';
import { operationsOf, serverBasePath, type OperationView } from './operations.ts';
import { enumOf } from './schema.ts';

export type Side = 'adobe-only' | 'ours-only' | 'differs';
export type FindingKind = 'operation' | 'parameter' | 'required' | 'status' | 'media-type' | 'property' | 'enum-value';

export interface Finding {
  side: Side;
  kind: FindingKind;
  /** `METHOD /path` with the base path, in our spelling when we have the operation. */
  operation: string;
  /** Where in the operation: `header X-Device-Info`, `200 application/json requestor.mvpds[].id`, … */
  where: string;
  /** `<side> <kind> <operation> <where>`: what a waiver's `what` matches. */
  key: string;
  message: string;
}

export interface UpstreamSource {
  document: Obj;
  /** Shown in reports. */
  name: string;
  /** Put in front of each path (the path of the file's first server URL unless given). */
  basePath?: string;
}

export interface UpstreamComparison {
  findings: Finding[];
  /** What was left out on purpose, in one line each: the report says so. */
  notCompared: string[];
  /** Per source, its base path and how many operations matched ours. */
  sources: { name: string; basePath: string; operations: number; matched: number }[];
}

/** The headers Adobe's files declare that OpenAPI expresses otherwise (security, request body, response media). */
const EXPRESSED_ELSEWHERE = new Set(['authorization', 'content-type']);

export function compareUpstream(sources: UpstreamSource[], ours: Obj): UpstreamComparison {
  const findings: Finding[] = [];
  const add = (side: Side, kind: FindingKind, operation: string, where: string, message: string) => {
    const key = [side, kind, operation, where].filter(Boolean).join(' ');
    findings.push({ side, kind, operation, where, key, message });
  };
  const ourOps = operationsOf(ours);
  const counters = { enumsNotCompared: 0 };
  const report: UpstreamComparison['sources'] = [];
  for (const source of sources) {
    const basePath = source.basePath ?? serverBasePath(source.document);
    const theirs = operationsOf(source.document, basePath);
    let matched = 0;
    for (const [key, op] of theirs) {
      const mine = ourOps.get(key);
      if (!mine) {
        add('adobe-only', 'operation', op.label, '', `${op.label} (${String(op.node.operationId ?? '')}) is in Adobe's ${source.name}, not in ours`);
        continue;
      }
      matched++;
      compareOperation(op, mine, add, counters);
    }
    // Only our operations under this file's base path are expected in it.
    for (const [key, mine] of ourOps) {
      if (!theirs.has(key) && basePath && mine.path.startsWith(`${basePath}/`)) add('ours-only', 'operation', mine.label, '', `${mine.label} is in ours, not in Adobe's ${source.name}`);
    }
    report.push({ name: source.name, basePath, operations: theirs.size, matched });
  }
  findings.sort((a, b) => a.key.localeCompare(b.key));
  return {
    findings,
    sources: report,
    notCompared: [
      'types and formats: Adobe types loosely (error `message` as an object, timestamps as strings or numbers); names are compared, not types',
      'required properties: Adobe marks almost none; required parameters are compared',
      `enum values where Adobe lists none (${counters.enumsNotCompared} places where ours lists values): compared only where both sides list values`,
      '`Authorization` and `Content-Type` header parameters: compared with our security requirement and request body media types',
      'descriptions, examples, response headers and error codes (Adobe\'s files carry one example and no error catalogue)',
    ],
  };
}

type Add = (side: Side, kind: FindingKind, operation: string, where: string, message: string) => void;

function compareOperation(theirs: OperationView, mine: OperationView, add: Add, counters: { enumsNotCompared: number }): void {
  const op = mine.label;
  // Parameters, by location and name (header names case-insensitive, path parameters by position).
  for (const [key, p] of theirs.parameters) {
    const name = p.name.toLowerCase();
    if (p.in === 'header' && EXPRESSED_ELSEWHERE.has(name)) {
      const ourEquivalent = name === 'authorization' ? needsCredentials(mine) : isObject(mine.node.requestBody);
      if (!ourEquivalent) add('adobe-only', 'parameter', op, `header ${p.name}`, `Adobe declares header ${p.name}; ours has no ${name === 'authorization' ? 'security requirement' : 'request body'}`);
      continue;
    }
    const m = mine.parameters.get(key);
    if (!m) {
      add('adobe-only', 'parameter', op, `${p.in} ${p.name}`, `Adobe has ${p.node.required === true ? 'required' : 'optional'} ${p.in} parameter ${p.name}; ours does not`);
      continue;
    }
    const a = p.node.required === true || p.in === 'path';
    const b = m.node.required === true || m.in === 'path';
    if (a !== b) add('differs', 'required', op, `${p.in} ${m.name}`, `${p.in} parameter ${m.name}: Adobe ${a ? 'required' : 'optional'}, ours ${b ? 'required' : 'optional'}`);
  }
  for (const [key, m] of mine.parameters) {
    if (!theirs.parameters.has(key)) add('ours-only', 'parameter', op, `${m.in} ${m.name}`, `ours has ${m.node.required === true ? 'required' : 'optional'} ${m.in} parameter ${m.name}; Adobe does not`);
  }
  const theyAskCredentials = needsCredentials(theirs) || [...theirs.parameters.values()].some((p) => p.in === 'header' && p.name.toLowerCase() === 'authorization');
  if (needsCredentials(mine) && !theyAskCredentials) {
    add('ours-only', 'parameter', op, 'header Authorization', 'ours requires the access token (security); Adobe declares no Authorization header');
  }

  // Request body: media types, then property names.
  const theirBody = isObject(theirs.node.requestBody) ? theirs.node.requestBody : undefined;
  const myBody = isObject(mine.node.requestBody) ? mine.node.requestBody : undefined;
  compareContent(theirBody?.content, myBody?.content, op, 'request', add, counters);

  // Statuses, then per status what the bodies name.
  const theirResponses = isObject(theirs.node.responses) ? theirs.node.responses : {};
  const myResponses = isObject(mine.node.responses) ? mine.node.responses : {};
  for (const status of Object.keys(theirResponses)) if (!(status in myResponses)) add('adobe-only', 'status', op, status, `Adobe documents status ${status}; ours does not`);
  for (const status of Object.keys(myResponses)) if (!(status in theirResponses)) add('ours-only', 'status', op, status, `ours documents status ${status}; Adobe does not`);
  for (const [status, theirResponse] of Object.entries(theirResponses)) {
    const myResponse = myResponses[status];
    if (isObject(theirResponse) && isObject(myResponse)) compareContent(theirResponse.content, myResponse.content, op, status, add, counters);
  }
}

function needsCredentials(op: OperationView): boolean {
  return op.security.length > 0 && op.security.every((req) => Object.keys(req).length > 0);
}

/** Media types by name; for JSON and form media types present on both sides, the property names. */
function compareContent(theirs: unknown, mine: unknown, op: string, where: string, add: Add, counters: { enumsNotCompared: number }): void {
  const t = isObject(theirs) ? theirs : {};
  const m = isObject(mine) ? mine : {};
  // Adobe's files give error responses no content ("content": {}) as often as a schema: an empty map is not a claim.
  const tTypes = Object.keys(t);
  const mTypes = Object.keys(m);
  // A request body is a claim either way (Adobe's token request takes query parameters, ours a form body).
  if ((tTypes.length && mTypes.length) || where === 'request') {
    for (const type of tTypes) if (!(type in m)) add('adobe-only', 'media-type', op, `${where} ${type}`, `Adobe: ${where} as ${type}; ours does not`);
    for (const type of mTypes) if (!(type in t)) add('ours-only', 'media-type', op, `${where} ${type}`, `ours: ${where} as ${type}; Adobe does not`);
  }
  for (const type of tTypes) {
    const a = t[type];
    const b = m[type];
    if (!isObject(a) || !isObject(b)) continue;
    const theirsTree = collect(a.schema);
    const mineTree = collect(b.schema);
    // A property missing on one side is reported where its parent exists on that side and says what it holds:
    // the outermost missing property only, and nothing under an object the other side leaves opaque.
    const listedUnder = (tree: Map<string, TreeNode>, path: string) => path !== '' && tree.get(parentOf(path))?.opaque === false;
    for (const [path, node] of theirsTree) {
      const ourNode = mineTree.get(path);
      if (!ourNode) {
        if (listedUnder(mineTree, path)) add('adobe-only', 'property', op, `${where} ${type} ${path}`, `Adobe's ${where} ${type} has ${path}; ours does not`);
        continue;
      }
      compareEnum(node.enumValues, ourNode.enumValues, op, path ? `${where} ${type} ${path}` : `${where} ${type}`, add, counters);
    }
    for (const [path] of mineTree) {
      if (!theirsTree.has(path) && listedUnder(theirsTree, path)) add('ours-only', 'property', op, `${where} ${type} ${path}`, `ours: ${where} ${type} has ${path}; Adobe's does not`);
    }
  }
}

/** `a.b[]` → `a.b`, `a.b` → `a`, `a` → `` (the body itself). */
const parentOf = (path: string): string => {
  const stripped = path.replace(/(\.[^.[{]+|\[\]|\{\*\})$/, '');
  return stripped === path ? '' : stripped;
};

function compareEnum(theirs: unknown[] | undefined, mine: unknown[] | undefined, op: string, where: string, add: Add, counters: { enumsNotCompared: number }): void {
  if (!mine) return;
  if (!theirs) {
    counters.enumsNotCompared++;
    return;
  }
  const t = new Set(theirs.map((v) => JSON.stringify(v)));
  const m = new Set(mine.map((v) => JSON.stringify(v)));
  for (const v of [...t].sort()) if (!m.has(v)) add('adobe-only', 'enum-value', op, `${where} ${v}`, `Adobe lists ${v} for ${where}; ours does not`);
  for (const v of [...m].sort()) if (!t.has(v)) add('ours-only', 'enum-value', op, `${where} ${v}`, `ours lists ${v} for ${where}; Adobe does not`);
}

interface TreeNode { enumValues: unknown[] | undefined; opaque: boolean }

/**
 * Every property path a schema names (`a.b`, `list[]`, `map{*}`), through allOf/oneOf/anyOf (union of branches),
 * with enum values where the schema lists some. An object without properties is opaque: nothing below it is compared.
 */
function collect(schema: unknown): Map<string, TreeNode> {
  const out = new Map<string, TreeNode>();
  const visit = (s: unknown, path: string, stack: Set<unknown>): void => {
    if (!isObject(s) || stack.has(s)) return;
    stack.add(s);
    const node = out.get(path) ?? { enumValues: undefined, opaque: true };
    const values = enumOf(s);
    if (values) node.enumValues = [...(node.enumValues ?? []), ...values];
    if (isObject(s.properties) || isObject(s.additionalProperties) || isObject(s.items) || ['allOf', 'oneOf', 'anyOf'].some((k) => Array.isArray(s[k]))) node.opaque = false;
    out.set(path, node);
    if (isObject(s.properties)) for (const [name, p] of Object.entries(s.properties)) visit(p, path ? `${path}.${name}` : name, stack);
    if (isObject(s.additionalProperties)) visit(s.additionalProperties, `${path}{*}`, stack);
    if (isObject(s.items)) visit(s.items, `${path}[]`, stack);
    for (const key of values ? ['allOf'] : ['allOf', 'oneOf', 'anyOf']) if (Array.isArray(s[key])) for (const branch of s[key] as unknown[]) visit(branch, path, stack);
    stack.delete(s);
  };
  visit(schema, '', new Set());
  return out;
}
