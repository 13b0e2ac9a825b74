// Loads an OpenAPI 3.0/3.1 document from a file or URL (JSON or YAML, multi-file) with every $ref resolved.
// @apidevtools/json-schema-ref-parser resolves the references; `yaml` parses; fetch.ts bounds the network.
import { resolve as resolvePath } from 'node:path';
import { $RefParser } from '@apidevtools/json-schema-ref-parser';
import { parse as parseYaml } from 'yaml';
import { getByPointer, pointerSegment, type Json } from '../description/document.ts';
import { readTextFile } from '../files/read-text.ts';
import { DEFAULT_LIMITS, displayUrl, fetchResource, fetchText, isHttpUrl, type FetchLimits } from './fetch.ts';

/** A parsed document whose $refs are replaced by the objects they point at (cycles stay cycles). */
export type Resolved = Record<string, unknown> & { openapi: string; paths: Record<string, unknown> };

export interface Loaded {
  document: Resolved;
  /** What was wrong but could be worked around (e.g. a $ref to nothing, compared as "any schema"). */
  warnings: string[];
}

export interface LoadOptions extends Partial<FetchLimits> {
  /** At most this many files (root included, default 1000), so a hostile server cannot feed us references forever. */
  maxFiles?: number;
}

export class LoadError extends Error {
  override name = 'LoadError';
}

/** What a location looks like in messages (URLs lose credentials and query values). */
export const describeSource = (source: string): string => (isHttpUrl(source) ? displayUrl(source) : source);

function parseText(text: string, where: string): unknown {
  const trimmed = text.trimStart();
  try {
    // JSON first (fast path, and exact numbers); YAML 1.2 covers JSON anyway for the rest.
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) return JSON.parse(text);
  } catch {
    /* not strict JSON: let the YAML parser report where it fails */
  }
  try {
    return parseYaml(text, { maxAliasCount: 1000 });
  } catch (error) {
    throw new LoadError(`${where}: not JSON or YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

async function readSource(source: string, limits: FetchLimits): Promise<string> {
  if (isHttpUrl(source)) return fetchText(source, limits);
  try {
    return await readTextFile(source, limits.maxBytes);
  } catch (error) {
    throw new LoadError((error as Error).message);
  }
}

/** Deeper than any real description nests (ours: 14 levels, Adobe's: 10). */
const MAX_NESTING = 256;

/**
 * Refuses a document nested deeper than MAX_NESTING. JSON.parse takes `{"items":{"items":…}}` 100,000
 * deep, but cloning, resolving and comparing it overflow the stack ("Maximum call stack size exceeded",
 * naming no file). A loop over a stack, so the check itself cannot overflow.
 */
function assertNesting(doc: unknown, where: string): void {
  const stack: [unknown, number][] = [[doc, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    if (!node || typeof node !== 'object') continue;
    if (depth > MAX_NESTING) throw new LoadError(`${where}: objects and arrays nested deeper than ${MAX_NESTING} levels; not a description to compare`);
    for (const child of Object.values(node)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
}

/** Checks the parsed root is an OpenAPI 3.0 or 3.1 document, saying what it is otherwise. */
function assertOpenApi3(doc: unknown, where: string): asserts doc is Resolved {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new LoadError(`${where}: not an OpenAPI document (the root is not an object)`);
  const d = doc as Record<string, unknown>;
  if (typeof d.openapi !== 'string' || !/^3\.[01]\.\d+/.test(d.openapi)) {
    const what = typeof d.swagger === 'string' ? `Swagger ${d.swagger}` : typeof d.openapi === 'string' ? `openapi ${d.openapi}` : 'no "openapi" field';
    throw new LoadError(`${where}: only OpenAPI 3.0 and 3.1 are supported (found ${what})`);
  }
  if (!d.paths || typeof d.paths !== 'object' || Array.isArray(d.paths)) throw new LoadError(`${where}: "paths" is missing or not an object`);
}

/**
 * Replaces local $refs that point at nothing (Adobe's 2024-06 dcrApi.json has one) by an empty schema marked
 * `x-unresolved-ref`, so the rest of the document still compares; says which in the returned warnings.
 */
function patchDanglingRefs(root: object, where: string): string[] {
  const warnings: string[] = [];
  const visit = (node: unknown, at: string): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((x, i) => visit(x, `${at}/${i}`));
    const obj = node as Record<string, unknown>;
    if (typeof obj.$ref === 'string' && obj.$ref.startsWith('#') && getByPointer(root as Json, obj.$ref) === undefined) {
      warnings.push(`${where}: $ref "${obj.$ref}" at ${at || '/'} points at nothing; compared as an unconstrained schema`);
      obj['x-unresolved-ref'] = obj.$ref;
      delete obj.$ref;
    }
    for (const [k, v] of Object.entries(obj)) visit(v, `${at}/${pointerSegment(k)}`);
  };
  visit(root, '');
  return warnings;
}

/** Throws when a document fetched over HTTP has a `$ref` to a `file:` URL (its other references resolve against its URL). */
function refuseLocalRefs(node: unknown, where: string): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((x) => refuseLocalRefs(x, where));
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && /^file:/i.test(ref)) throw new LoadError(`${where}: refers to a local file (${ref}); a description fetched over HTTP may only refer to http(s) URLs`);
  for (const v of Object.values(node)) refuseLocalRefs(v, where);
}

/**
 * Resolves every $ref of `doc` (already parsed; a copy is resolved, the argument is untouched). References to
 * other files are read relative to `location`; to URLs, through the bounded fetch. A description that came
 * from a URL may refer to URLs only: a host must not make us read (and then print) this machine's files.
 */
export async function resolveDocument(doc: unknown, location: string, options: LoadOptions = {}): Promise<Loaded> {
  const where = describeSource(location);
  assertOpenApi3(doc, where);
  assertNesting(doc, where);
  const copy = structuredClone(doc);
  const warnings = patchDanglingRefs(copy, where);
  const limits: FetchLimits = { ...DEFAULT_LIMITS, ...options };
  const maxFiles = options.maxFiles ?? 1000;
  let files = 1;
  const count = (url: string) => {
    if (++files > maxFiles) throw new LoadError(`${where}: more than ${maxFiles} referenced files (at ${describeSource(url)})`);
  };
  const remote = isHttpUrl(location);
  const base = remote ? location : resolvePath(location);
  // The parser replaces our hooks' errors by its own ("Error reading file …"); keep the first to rethrow it.
  let failure: unknown;
  const kept = <A, R>(hook: (arg: A) => R) => (arg: A): R => {
    try {
      return hook(arg);
    } catch (error) {
      failure ??= error;
      throw error;
    }
  };
  const keptAsync = <A, R>(hook: (arg: A) => Promise<R>) => (arg: A): Promise<R> => hook(arg).catch((error: unknown) => {
    failure ??= error;
    throw error;
  });
  try {
    const resolved = await new $RefParser().dereference(base, copy as object, {
      parse: {
        json: false, yaml: false, text: false, binary: false,
        openapi: {
          order: 1,
          canParse: true,
          parse: kept((file: { url: string; data: unknown }) => {
            const parsed = parseText(Buffer.isBuffer(file.data) ? file.data.toString('utf8') : String(file.data), describeSource(file.url));
            assertNesting(parsed, describeSource(file.url));
            if (isHttpUrl(file.url)) refuseLocalRefs(parsed, describeSource(file.url));
            return parsed;
          }),
        },
      },
      resolve: {
        external: true,
        http: false,
        file: {
          order: 1,
          read: keptAsync(async (file: { url: string }) => {
            if (remote) throw new LoadError(`${where}: refers to a local file (${file.url}); a description fetched over HTTP may only refer to http(s) URLs`);
            count(file.url);
            return readSource(decodeURIComponent(file.url.replace(/^file:\/\//, '')), limits).catch((error: Error) => {
              throw new LoadError(`${where}: ${error.message}`);
            });
          }),
        },
        bounded: { order: 2, canRead: /^https?:\/\//i, read: keptAsync(async (file: { url: string }) => { count(file.url); return fetchText(file.url, limits); }) },
      },
      dereference: { circular: true },
    } as never);
    return { document: resolved as Resolved, warnings };
  } catch (error) {
    if (failure) throw failure;
    // The parser's messages name the $ref that failed; strip local prefixes only.
    throw new LoadError(`${where}: cannot resolve $refs: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Reads, parses and resolves a description from a file path or an http(s) URL. */
export async function loadDocument(source: string, options: LoadOptions = {}): Promise<Loaded> {
  const limits: FetchLimits = { ...DEFAULT_LIMITS, ...options };
  if (isHttpUrl(source)) {
    // References resolve from where the body came from, after redirects.
    const { text, url } = await fetchResource(source, limits);
    return resolveDocument(parseText(text, describeSource(source)), url, options);
  }
  const text = await readSource(source, limits);
  return resolveDocument(parseText(text, source), source, options);
}
