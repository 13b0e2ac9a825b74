// Base64 checks for the pass-path Ajv instance: the description's base64 `pattern`s and the
// `contentEncoding: base64` assertion, each answered by one linear scan.
// Why: V8 matches the class `[A-Za-z0-9+/]` (four byte ranges) with a chain of compares at about
// 1 ns a character, and the media token's `(?:[A-Za-z0-9+/]{4})*` group at 2.5 ns, growing to 7 ns
// on long strings. A real `serializedToken` is a PKI-signed token (an RSA signature alone is 344
// base64 characters); with kilobyte tokens, the pattern and the encoding check, two scans of the
// same string, made checking an authorization decision 4–16× as slow as parsing it. The class of
// the alphabet plus `=` (five ranges) is matched by table at about 0.5 ns, and `indexOf` places
// the padding. Each entry accepts exactly what its pattern accepts (a test fuzzes every entry
// against the pattern); a pattern without an entry keeps Ajv's own code.
import { _, type CodeKeywordDefinition, type KeywordCxt } from 'ajv/dist/2020.js';
import ajvPattern from 'ajv/dist/vocabularies/validation/pattern.js';
import { cjsDefault } from './cjs-default.ts';

const ajvPatternKeyword = cjsDefault<CodeKeywordDefinition>(ajvPattern);

const ALPHABET_OR_PAD = /^[A-Za-z0-9+/=]*$/;

/** The standard alphabet, then at most two `=` at the end: what `^[A-Za-z0-9+/]*={0,2}$` matches. */
export function base64Shape(s: string): boolean {
  if (!ALPHABET_OR_PAD.test(s)) return false;
  const pad = s.indexOf('=');
  const end = s.length;
  return pad < 0 || pad === end - 1 || (pad === end - 2 && s.charCodeAt(end - 1) === 61);
}

/** Strict RFC 4648 base64 (standard alphabet, padded to a multiple of 4); the empty string is base64 of nothing. */
export const isBase64 = (s: string): boolean => s.length % 4 === 0 && base64Shape(s);

/** At least one alphabet character before the padding. */
const nonEmptyShape = (s: string): boolean => s.length > 0 && s.charCodeAt(0) !== 61 && base64Shape(s);

/**
 * Patterns of the description with an equivalent linear test. `base64`: every string the pattern
 * accepts has base64's shape, so `contentEncoding: base64` beside it only has to check the length.
 */
export const FAST_PATTERNS: ReadonlyMap<string, { test: (s: string) => boolean; base64: boolean }> = new Map([
  // Device info, partner framework status, TempPass identity, SAML requests and responses.
  ['^[A-Za-z0-9+/]+={0,2}$', { test: nonEmptyShape, base64: true }],
  // The media token: whole groups of four, padded (Adobe's own pattern for `format: byte`).
  ['^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$', { test: (s) => s.length % 4 === 0 && nonEmptyShape(s), base64: true }],
]);

/** `pattern`: the linear test of `FAST_PATTERNS` where there is one, Ajv's own regex otherwise. */
export const fastPatternKeyword: CodeKeywordDefinition = {
  ...ajvPatternKeyword,
  code(cxt: KeywordCxt) {
    const fast = FAST_PATTERNS.get(cxt.schema as string);
    if (!fast) {
      ajvPatternKeyword.code(cxt);
      return;
    }
    const test = cxt.gen.scopeValue('func', { ref: fast.test });
    cxt.fail(_`!${test}(${cxt.data})`);
  },
};

/** Whether `contentEncoding: base64` in this schema only has to check the length (its pattern already checks the characters). */
export function shapeCheckedByPattern(parentSchema: object): boolean {
  const { pattern } = parentSchema as { pattern?: unknown };
  return typeof pattern === 'string' && FAST_PATTERNS.get(pattern)?.base64 === true;
}
