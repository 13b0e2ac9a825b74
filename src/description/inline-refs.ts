// A copy of the document in which every `$ref` whose siblings are only annotations is replaced by
// the schema it points to (shared, not copied; a reference cycle is left as a `$ref`). The pointers
// of every other node are unchanged. Why: Ajv compiles each referenced schema that itself has
// references into a separate function, called with a freshly allocated options object; inlined,
// the pass-path validators are about a third faster. The failure path keeps the original
// references so that reports can name the schema (`#/components/schemas/Configuration`).
import { getByPointer, type Json, type JsonObject } from './document.ts';

const ANNOTATIONS = new Set(['$ref', 'description', 'title', 'examples', 'example', 'deprecated', '$comment']);

export function inlineRefs<T extends Json>(root: T): T {
  const done = new Map<string, Json>();
  const walk = (node: Json, stack: string[]): Json => {
    if (Array.isArray(node)) return node.map((n) => walk(n, stack));
    if (!node || typeof node !== 'object') return node;
    const ref = node.$ref;
    if (typeof ref === 'string' && ref.startsWith('#') && !stack.includes(ref) && Object.keys(node).every((k) => ANNOTATIONS.has(k) || k.startsWith('x-'))) {
      const target = getByPointer(root, ref);
      if (target !== undefined) {
        if (!done.has(ref)) done.set(ref, walk(target, [...stack, ref]));
        return done.get(ref)!;
      }
    }
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v, stack);
    return out;
  };
  return walk(root, []) as T;
}
