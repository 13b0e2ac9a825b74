// Loads the bundled description and walks it: local $refs, operations, parameters, examples.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface OpenApiDocument extends JsonObject {
  openapi: string;
  paths: JsonObject;
  components: JsonObject;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The package root (the nearest folder with package.json): the same from src/ and from dist/. */
export const projectRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();
/** The bundled JSON; PASS_BUNDLED_DESCRIPTION points elsewhere (e.g. a scratch bundle). */
export const bundledDescriptionPath = process.env.PASS_BUNDLED_DESCRIPTION
  ? resolve(process.env.PASS_BUNDLED_DESCRIPTION)
  : join(projectRoot, 'generated', 'openapi.json');

export function loadBundledDescription(path = bundledDescriptionPath): OpenApiDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the bundled description at ${path}; run \`npm run generate\`. (${(error as Error).message})`);
  }
  return JSON.parse(text) as OpenApiDocument;
}

/** One row of Adobe's error catalog: the description's `x-error-catalog` on `ErrorCode`. */
export interface CatalogEntry { code: string; status: number; action: string; message: string }

/** The description's error catalog by code. */
export function errorCatalog(doc: OpenApiDocument): Map<string, CatalogEntry> {
  const errorCode = (doc.components.schemas as JsonObject).ErrorCode as JsonObject;
  return new Map((errorCode['x-error-catalog'] as unknown as CatalogEntry[]).map((e) => [e.code, e]));
}

/** Escapes one JSON Pointer segment (RFC 6901). */
export const pointerSegment = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

export function getByPointer(doc: Json, pointer: string): Json | undefined {
  if (!pointer.startsWith('#')) throw new Error(`Only local references are supported, got "${pointer}"`);
  let node: Json | undefined = doc;
  for (const raw of pointer.slice(1).split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[Number(key)] : node[key];
  }
  return node;
}

/** Follows `$ref` chains; returns the target and the pointer where it lives. */
export function deref<T extends Json = JsonObject>(doc: OpenApiDocument, node: Json, pointer: string): { node: T; pointer: string } {
  let current = node;
  let at = pointer;
  for (let hops = 0; current && typeof current === 'object' && !Array.isArray(current) && typeof current.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`$ref cycle at ${pointer}`);
    at = current.$ref;
    const target = getByPointer(doc, at);
    if (target === undefined) throw new Error(`Unresolved $ref "${at}" (from ${pointer})`);
    current = target;
  }
  return { node: current as T, pointer: at };
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonObject;
  /** Where the parameter's schema lives in the document, for validators. */
  schemaPointer: string;
}

export interface RequestExample {
  summary: string;
  description?: string;
  path?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Names of the response examples this request produces; defaults to the request's own name. */
  responses?: string[];
}

export interface ResponseExample {
  name: string;
  status: string;
  /** `undefined` for an example carried by a header (e.g. a 302 `Location`). */
  mediaType?: string;
  header?: string;
  value: Json;
  /** Pointer of the schema the example must satisfy. */
  schemaPointer: string;
}

export interface Operation {
  method: HttpMethod;
  path: string;
  operationId: string;
  pointer: string;
  node: JsonObject;
  parameters: Parameter[];
  requestExamples: Record<string, RequestExample>;
  /** Media type and pointer of the request body schema, when the operation takes a body. */
  requestBody?: { mediaType: string; required: boolean; schemaPointer: string; examples: Record<string, Json> };
  responseExamples: ResponseExample[];
  /** True when the operation requires the bearer access token (its own or the global security). */
  needsAccessToken: boolean;
}

function exampleValue(doc: OpenApiDocument, node: Json, pointer: string): Json {
  return deref<JsonObject>(doc, node, pointer).node.value ?? null;
}

export function listOperations(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, pathItemRef] of Object.entries(doc.paths)) {
    const pathPointer = `#/paths/${pointerSegment(path)}`;
    const pathItem = deref<JsonObject>(doc, pathItemRef, pathPointer);
    for (const method of HTTP_METHODS) {
      const node = pathItem.node[method] as JsonObject | undefined;
      if (!node) continue;
      const pointer = `${pathItem.pointer}/${method}`;
      const parameters = [
        ...((pathItem.node.parameters as Json[] | undefined) ?? []).map((p, i) => [p, `${pathItem.pointer}/parameters/${i}`] as const),
        ...((node.parameters as Json[] | undefined) ?? []).map((p, i) => [p, `${pointer}/parameters/${i}`] as const),
      ].map(([p, at]) => {
        const resolved = deref<JsonObject>(doc, p, at);
        return { ...(resolved.node as unknown as Parameter), schemaPointer: `${resolved.pointer}/schema` };
      });

      let requestBody: Operation['requestBody'];
      if (node.requestBody) {
        const body = deref<JsonObject>(doc, node.requestBody, `${pointer}/requestBody`);
        const [mediaType, media] = Object.entries(body.node.content as JsonObject)[0] ?? [];
        if (mediaType && media) {
          const examples: Record<string, Json> = {};
          const mediaPointer = `${body.pointer}/content/${pointerSegment(mediaType)}`;
          for (const [name, ex] of Object.entries(((media as JsonObject).examples as JsonObject | undefined) ?? {})) {
            examples[name] = exampleValue(doc, ex, `${mediaPointer}/examples/${pointerSegment(name)}`);
          }
          requestBody = { mediaType, required: body.node.required === true, schemaPointer: `${mediaPointer}/schema`, examples };
        }
      }

      const responseExamples: ResponseExample[] = [];
      for (const [status, responseRef] of Object.entries((node.responses as JsonObject | undefined) ?? {})) {
        const response = deref<JsonObject>(doc, responseRef, `${pointer}/responses/${status}`);
        for (const [mediaType, media] of Object.entries((response.node.content as JsonObject | undefined) ?? {})) {
          const mediaPointer = `${response.pointer}/content/${pointerSegment(mediaType)}`;
          for (const [name, ex] of Object.entries(((media as JsonObject).examples as JsonObject | undefined) ?? {})) {
            responseExamples.push({
              name, status, mediaType,
              value: exampleValue(doc, ex, `${mediaPointer}/examples/${pointerSegment(name)}`),
              schemaPointer: `${mediaPointer}/schema`,
            });
          }
        }
        for (const [header, headerRef] of Object.entries((response.node.headers as JsonObject | undefined) ?? {})) {
          const h = deref<JsonObject>(doc, headerRef, `${response.pointer}/headers/${pointerSegment(header)}`);
          for (const [name, ex] of Object.entries((h.node.examples as JsonObject | undefined) ?? {})) {
            responseExamples.push({
              name, status, header,
              value: exampleValue(doc, ex, `${h.pointer}/examples/${pointerSegment(name)}`),
              schemaPointer: `${h.pointer}/schema`,
            });
          }
        }
      }

      const security = (node.security ?? doc.security ?? []) as JsonObject[];
      operations.push({
        method, path, pointer, node, parameters, requestBody, responseExamples,
        operationId: String(node.operationId),
        requestExamples: (node['x-request-examples'] as unknown as Record<string, RequestExample> | undefined) ?? {},
        needsAccessToken: security.length > 0 && security.every((req) => Object.keys(req).length > 0),
      });
    }
  }
  return operations;
}

/** The headers a request must carry: required header parameters, plus Authorization and Content-Type when implied. */
export function requiredHeaders(op: Operation): string[] {
  const names = op.parameters.filter((p) => p.in === 'header' && p.required).map((p) => p.name);
  if (op.needsAccessToken) names.unshift('Authorization');
  if (op.requestBody?.required) names.push('Content-Type');
  return names;
}
