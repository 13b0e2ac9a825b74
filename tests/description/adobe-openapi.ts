// Adobe's published OpenAPI files (vendored, newest version) and a builder of bodies shaped by their schemas.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, type Json, type JsonObject } from '../../src/description/document.ts';

/** The vendored version the description's published-OpenAPI deltas were read from (ERRATA.md). */
export const ADOBE_VERSION = '2025-10-23-3dd8ab2';

export interface AdobeFile {
  /** Where our paths put Adobe's `servers` base path (`/api/v2`, `/o`). */
  prefix: string;
  doc: JsonObject;
}

const load = (name: string, prefix: string): AdobeFile => ({
  prefix,
  doc: JSON.parse(readFileSync(join(projectRoot, 'reference', 'adobe-openapi', ADOBE_VERSION, name), 'utf8')) as JsonObject,
});

export const adobeRest = load('restApiV2.json', '/api/v2');
export const adobeDcr = load('dcrApi.json', '/o');

export interface AdobeOperation {
  file: AdobeFile;
  method: string;
  /** Our path for it (Adobe's server base path + Adobe's path). */
  path: string;
  node: JsonObject;
}

export function adobeOperations(file: AdobeFile): AdobeOperation[] {
  return Object.entries(file.doc.paths as JsonObject).flatMap(([path, item]) =>
    Object.entries(item as JsonObject).map(([method, node]) => ({ file, method, path: file.prefix + path, node: node as JsonObject })));
}

export const adobeSchemas = (file: AdobeFile): Record<string, JsonObject> =>
  (file.doc.components as JsonObject).schemas as Record<string, JsonObject>;

const refName = (schema: JsonObject): string | undefined =>
  typeof schema.$ref === 'string' ? schema.$ref.replace('#/components/schemas/', '') : undefined;

/** The name of the schema Adobe gives a response (`application/json`), if any. */
export function adobeResponseSchema(op: AdobeOperation, status: string): string | undefined {
  const content = ((op.node.responses as JsonObject)[status] as JsonObject | undefined)?.content as JsonObject | undefined;
  const media = content?.['application/json'] as JsonObject | undefined;
  return media ? refName(media.schema as JsonObject) : undefined;
}

/** Leave the property out of the body. */
export const OMIT = Symbol('omit');

/**
 * Realistic values for the leaves, looked up by the body's JSON pointer first, then by
 * `Schema.property` (Adobe's schema names). `Schema.property.*` lists the keys of a map
 * (`additionalProperties`), `Schema.property.#` the number of items of an array of objects
 * (default 1). A leaf with no value is an error (except an Adobe enum: its first value), so each
 * leaf is chosen here, not generated.
 */
export type Values = Record<string, Json | typeof OMIT>;

/**
 * Adobe's members that we deliberately do not follow (ERRATA.md, published-OpenAPI section):
 * `Connection.ipAddress` is a Java `InetAddress` (an object of getters in Adobe's file) but a
 * string on the wire; the builder takes the given value instead of recursing.
 */
const SUBSTITUTED = new Set(['Connection.ipAddress']);

/**
 * Builds a body with every property Adobe's schema lists (unless a value says OMIT), recursing
 * through Adobe's `$ref`s, arrays and maps. Leaf values come from `values` and must have the
 * type Adobe declares. `visited` collects each `Schema.property` put in a body.
 */
export function adobeShaped(file: AdobeFile, schemaName: string, values: Values, visited = new Set<string>()): Json {
  const schemas = adobeSchemas(file);
  // `owner` is the `Schema.property` (or schema name) the node belongs to, for lookups and errors.
  const lookup = (at: string, owner: string) => (at in values ? values[at] : values[owner]);
  const build = (schema: JsonObject, at: string, owner: string): Json => {
    const name = refName(schema);
    if (name) {
      // A member-less schema (`Message`) is a leaf: keep looking its value up by the property.
      const target = schemas[name]!;
      return build(target, at, target.properties || target.additionalProperties ? name : owner);
    }
    if (schema.type === 'object' && schema.additionalProperties) {
      const keys = lookup(`${at}/*`, `${owner}.*`);
      if (!Array.isArray(keys)) throw new Error(`no keys for the map ${owner} at ${at || '/'}`);
      return Object.fromEntries((keys as string[]).map((key) => [key, build(schema.additionalProperties as JsonObject, `${at}/${key}`, owner)]));
    }
    if (schema.type === 'object' && schema.properties) {
      const out: JsonObject = {};
      for (const [prop, propSchema] of Object.entries(schema.properties as JsonObject)) {
        const key = `${owner}.${prop}`;
        const explicit = lookup(`${at}/${prop}`, key);
        if (explicit === OMIT) continue;
        visited.add(key);
        if (SUBSTITUTED.has(key)) {
          if (explicit === undefined) throw new Error(`no value for ${key} at ${at}/${prop}`);
          out[prop] = explicit;
        } else {
          out[prop] = build(propSchema as JsonObject, `${at}/${prop}`, key);
        }
      }
      return out;
    }
    const leaf = lookup(at, owner);
    if (leaf === OMIT) throw new Error(`OMIT given for a leaf that is not a property: ${owner} at ${at}`);
    if (schema.type === 'array') {
      if (Array.isArray(leaf)) return leaf.map((item) => checkLeaf(schema.items as JsonObject, item, owner));
      // `Schema.property.#` (or `<pointer>/#`) asks for several items, each built at its own pointer.
      const count = lookup(`${at}/#`, `${owner}.#`);
      const n = typeof count === 'number' ? count : 1;
      return Array.from({ length: n }, (_, i) => build(schema.items as JsonObject, `${at}/${i}`, owner));
    }
    // An object without members is how Adobe's generator writes a Java `Object` (attribute
    // `value`) or a class without bean properties (`Message`): it says nothing about the JSON.
    if (schema.type === 'object') {
      if (leaf === undefined) throw new Error(`no value for ${owner} at ${at}`);
      return leaf;
    }
    if (leaf === undefined) {
      if (Array.isArray(schema.enum)) return schema.enum[0] as Json;
      throw new Error(`no value for ${owner} at ${at}`);
    }
    return checkLeaf(schema, leaf, owner);
  };
  return build({ $ref: `#/components/schemas/${schemaName}` }, '', schemaName);
}

function checkLeaf(schema: JsonObject, value: Json | typeof OMIT, owner: string): Json {
  const type = schema.type;
  const ok = type === 'string' ? typeof value === 'string'
    : type === 'integer' ? Number.isInteger(value)
      : type === 'boolean' ? typeof value === 'boolean'
        : true;
  if (!ok) throw new Error(`${owner}: ${JSON.stringify(value)} is not Adobe's ${String(type)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value as Json)) throw new Error(`${owner}: ${String(value)} is not in Adobe's enum`);
  return value as Json;
}

/** Every `Schema.property` of the schemas reachable from `names` (through `$ref`s), except those under `skip` schemas. */
export function reachableProperties(file: AdobeFile, names: string[], skip: Set<string>): Set<string> {
  const schemas = adobeSchemas(file);
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (node: Json, owner?: string): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n) => visit(n, owner));
    const name = refName(node);
    if (name) {
      if (seen.has(name) || skip.has(name)) return;
      seen.add(name);
      return visit(schemas[name]!, name);
    }
    for (const prop of Object.keys((node.properties as JsonObject | undefined) ?? {})) out.add(`${owner}.${prop}`);
    for (const v of Object.values(node)) visit(v, owner);
  };
  for (const n of names) visit({ $ref: `#/components/schemas/${n}` });
  return out;
}
