// The operations of a resolved description, keyed so that the same operation matches across versions.
import { HTTP_METHODS, pointerSegment } from '../description/document.ts';
import { isObject, type Obj } from './json.ts';

export interface ParameterView {
  name: string;
  in: string;
  node: Obj;
  pointer: string;
}

export interface OperationView {
  /** `METHOD /path` with template names blanked, so `/pets/{id}` and `/pets/{petId}` match. */
  key: string;
  /** `METHOD /path` as written. */
  label: string;
  method: string;
  path: string;
  pointer: string;
  node: Obj;
  /** Keyed by `in:name` (header names lower-cased; path parameters by position). */
  parameters: Map<string, ParameterView>;
  /** Security requirement alternatives in force (the operation's, else the document's). */
  security: Obj[];
}

const normalizePath = (path: string): string => path.replace(/\{[^}]*\}/g, '{}').replace(/(.)\/+$/, '$1');

const templateNames = (path: string): string[] => [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!);

function parameterKey(p: { in: string; name: string }, path: string): string {
  if (p.in === 'path') {
    const index = templateNames(path).indexOf(p.name);
    return `path:#${index >= 0 ? index : p.name}`;
  }
  return `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
}

/** The schema of a parameter or header: `schema`, or the first media type's schema under `content`. */
export function schemaOf(node: Obj, pointer: string): { schema: unknown; pointer: string } | undefined {
  if ('schema' in node) return { schema: node.schema, pointer: `${pointer}/schema` };
  if (isObject(node.content)) {
    const [mediaType, media] = Object.entries(node.content)[0] ?? [];
    if (mediaType && isObject(media)) return { schema: media.schema, pointer: `${pointer}/content/${pointerSegment(mediaType)}/schema` };
  }
  return undefined;
}

/** Every operation of `doc`; `basePath` is put in front of each path (e.g. `/api/v2` from Adobe's servers). */
export function operationsOf(doc: Obj, basePath = ''): Map<string, OperationView> {
  const result = new Map<string, OperationView>();
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const pathPointer = `/paths/${pointerSegment(path)}`;
    const fullPath = `${basePath}${path}`;
    for (const method of HTTP_METHODS) {
      const node = item[method];
      if (!isObject(node)) continue;
      const pointer = `${pathPointer}/${method}`;
      const parameters = new Map<string, ParameterView>();
      // Path-level parameters first; the operation's own override them.
      const lists: [unknown, string][] = [[item.parameters, `${pathPointer}/parameters`], [node.parameters, `${pointer}/parameters`]];
      for (const [list, listPointer] of lists) {
        if (!Array.isArray(list)) continue;
        list.forEach((p, i) => {
          if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string') return;
          parameters.set(parameterKey({ in: p.in, name: p.name }, path), { name: p.name, in: p.in, node: p, pointer: `${listPointer}/${i}` });
        });
      }
      const security = (Array.isArray(node.security) ? node.security : Array.isArray(doc.security) ? doc.security : []) as Obj[];
      const label = `${method.toUpperCase()} ${fullPath}`;
      result.set(`${method.toUpperCase()} ${normalizePath(fullPath)}`, { key: `${method.toUpperCase()} ${normalizePath(fullPath)}`, label, method, path: fullPath, pointer, node, parameters, security });
    }
  }
  return result;
}

/** The path part of the first server URL (`https://sp.auth.adobe.com/api/v2` → `/api/v2`), without a trailing slash. */
export function serverBasePath(doc: Obj): string {
  const first = Array.isArray(doc.servers) ? (doc.servers[0] as Obj | undefined) : undefined;
  if (!first || typeof first.url !== 'string') return '';
  try {
    return new URL(first.url, 'http://relative.invalid').pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}
