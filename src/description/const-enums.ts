// A copy of the document for validation in which `oneOf` lists of bare `const`s become `enum`s.
// Why: the description names every enum value as `oneOf: [{const, description}]` (so each value is
// documented), but Ajv then builds one error object per non-matching branch on every check, which
// made validation slower than parsing; and a failure yields one "must be equal to constant" per
// value. `enum` accepts exactly the same values when the constants are distinct.
import { isDeepStrictEqual } from 'node:util';
import type { Json, JsonObject } from './document.ts';

// Keywords that only annotate: a branch with nothing else is a bare constant.
const ANNOTATIONS = new Set(['const', 'title', 'description', 'deprecated', 'examples', '$comment']);

const isBareConst = (branch: Json): branch is JsonObject =>
  !!branch && typeof branch === 'object' && !Array.isArray(branch) && 'const' in branch &&
  Object.keys(branch).every((k) => ANNOTATIONS.has(k) || k.startsWith('x-'));

/** True when `oneOf` can be replaced by `enum` of its constants without changing what validates. */
export function isConstOneOf(oneOf: Json | undefined): oneOf is JsonObject[] {
  if (!Array.isArray(oneOf) || oneOf.length === 0 || !oneOf.every(isBareConst)) return false;
  const values = oneOf.map((b) => (b as JsonObject).const);
  // oneOf fails on a value equal to two branches; enum would accept it: only rewrite distinct constants.
  return values.every((v, i) => values.findIndex((w) => isDeepStrictEqual(v, w)) === i);
}

/** A deep copy of `node` with every rewritable `oneOf` of constants turned into `enum`. Paths are unchanged otherwise. */
export function withConstEnums<T extends Json>(node: T): T {
  if (Array.isArray(node)) return node.map((n) => withConstEnums(n)) as T;
  if (!node || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) out[k] = withConstEnums(v);
  if (isConstOneOf(node.oneOf) && !('enum' in node)) {
    out.enum = node.oneOf.map((b) => b.const!);
    delete out.oneOf;
  }
  return out as T;
}
