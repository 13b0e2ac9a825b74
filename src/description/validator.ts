// Ajv 2020-12 validators compiled from the bundled description, addressed by JSON Pointer.
// Two compilations per schema: a fast one that stops at the first error (the pass path, run on
// every response) and one that collects every error (the failure path, for reports).
import { _, Ajv2020, type CodeKeywordDefinition, type ErrorObject, type KeywordCxt, type ValidateFunction } from 'ajv/dist/2020.js';
import type { DataValidationCxt } from 'ajv/dist/types/index.js';
import addFormats from 'ajv-formats';
import { withConstEnums } from './const-enums.ts';
import { inlineRefs } from './inline-refs.ts';
import { deref, getByPointer, pointerSegment, type Json, type JsonObject, type OpenApiDocument } from './document.ts';
import { fastAdditionalKeyword } from './fast-additional.ts';
import { fastLengthKeyword } from './fast-length.ts';
import { fastPatternKeyword, isBase64, shapeCheckedByPattern } from './fast-base64.ts';
import { fastUri, fastUriReference } from './uri.ts';

const DOCUMENT_ID = 'https://pass-contract.invalid/openapi.json';

export interface Violation {
  /** JSON Pointer into the validated value ("" for the whole value). */
  path: string;
  message: string;
  keyword: string;
}

export interface ValidationResult {
  valid: boolean;
  violations: Violation[];
}

export type { ErrorObject };

function toViolations(errors: ErrorObject[] | null | undefined, prefix = ''): Violation[] {
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const e of errors ?? []) {
    const p = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: Json; allowedValue?: Json };
    // Point at the field itself: a missing or unexpected property is named in the pointer.
    const field = p.missingProperty ?? p.additionalProperty;
    const path = prefix + e.instancePath + (field !== undefined ? `/${pointerSegment(field)}` : '');
    const extra = e.keyword === 'enum' || e.keyword === 'const' ? `: ${JSON.stringify(p.allowedValues ?? p.allowedValue)}` : '';
    const message = `${e.message ?? 'invalid'}${extra}`;
    const key = `${path} ${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ path, message, keyword: e.keyword });
    }
  }
  return out;
}

/** `contentEncoding: base64` asserted (other encodings stay annotations). */
const contentEncodingKeyword: CodeKeywordDefinition = {
  keyword: 'contentEncoding',
  type: 'string',
  schemaType: 'string',
  error: { message: ({ schema }) => `must be ${String(schema)}-encoded` },
  code(cxt: KeywordCxt) {
    if (cxt.schema !== 'base64') return;
    // Pass path: a base64 pattern beside it has already checked the characters and the padding.
    if (!cxt.it.allErrors && shapeCheckedByPattern(cxt.parentSchema)) {
      cxt.fail(_`${cxt.data}.length % 4 !== 0`);
      return;
    }
    const test = cxt.gen.scopeValue('func', { ref: isBase64 });
    cxt.fail(_`!${test}(${cxt.data})`);
  },
};

/** True when some object of the document has one of `keywords` as a member. */
export function usesKeyword(node: Json, keywords: readonly string[]): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((n) => usesKeyword(n, keywords));
  return keywords.some((k) => k in node) || Object.values(node).some((n) => usesKeyword(n, keywords));
}

/** What Ajv2020 always supports and a pass-path validator pays for on every call, with the keywords that need it. */
const COSTLY_SUPPORT = {
  // Every validator records which properties and items each subschema evaluated (an object per
  // if/then branch, per call) for the sake of these two keywords.
  unevaluated: ['unevaluatedProperties', 'unevaluatedItems'],
  // Every validator takes a `dynamicAnchors` object (a fresh `{}` per call by default) for these.
  dynamicRef: ['$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor'],
} as const;

function createAjv(allErrors: boolean, unused: (keyof typeof COSTLY_SUPPORT)[] = []): Ajv2020 {
  // strict: false because the whole OpenAPI document is added as one schema resource so that
  // schemas inline in paths can be addressed; non-schema members (info, paths…) are ignored.
  // verbose (failure path only) gives each error its schema object, so reports can name it.
  // validateSchema: false because the document is not a JSON Schema: checking it against the
  // meta-schema cost 60–100 ms of every start-up and proved nothing (tests/description/oas31
  // validates the whole description, its schemas included, against the official OAS 3.1 schema).
  const ajv = new Ajv2020({ strict: false, allErrors, verbose: allErrors, validateFormats: true, validateSchema: false });
  addFormats.default(ajv);
  // Same accepted set as ajv-formats' full RFC 3986 formats, with a linear scan for common URLs first.
  const formats = ajv.formats as Record<string, unknown>;
  ajv.addFormat('uri', { type: 'string', validate: fastUri(formats.uri) });
  ajv.addFormat('uri-reference', { type: 'string', validate: fastUriReference(formats['uri-reference']) });
  // JSON Schema makes `contentEncoding` an annotation; we assert it: a "base64" value that is
  // not base64 (a media token, X-Device-Info) is drift, not a pass. Generated inline: a function
  // keyword would allocate its data-context object on every call.
  ajv.removeKeyword('contentEncoding');
  ajv.addKeyword(contentEncodingKeyword);
  // Ajv2020 forces these options on; the generated code reads them when it compiles, so turning
  // one off for a document that never uses its keywords only drops dead bookkeeping.
  for (const option of unused) (ajv.opts as unknown as Record<string, unknown>)[option] = false;
  if (!allErrors) {
    // The pass path: same answers as Ajv's length, additionalProperties and pattern keywords, for less work.
    ajv.removeKeyword('minLength');
    ajv.removeKeyword('maxLength');
    ajv.addKeyword(fastLengthKeyword);
    ajv.removeKeyword('additionalProperties');
    ajv.addKeyword(fastAdditionalKeyword);
    ajv.removeKeyword('pattern');
    ajv.addKeyword(fastPatternKeyword);
  }
  return ajv;
}

/**
 * The data context of a validation that starts at the root (Ajv's defaults: path "", rootData =
 * the value). Passed explicitly because a call without it allocates a fresh `{}` default each time;
 * the generated code only reads it.
 */
const ROOT_CONTEXT = Object.freeze({ instancePath: '' }) as DataValidationCxt;

export class DescriptionValidator {
  /** The document Ajv compiles: the description with `oneOf` constant lists as `enum` (same pointers). */
  readonly schemaDocument: OpenApiDocument;
  private readonly fast: Ajv2020;
  private readonly full: Ajv2020;
  private readonly fastCompiled = new Map<string, ValidateFunction>();
  private readonly fullCompiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: OpenApiDocument) {
    this.schemaDocument = withConstEnums(doc);
    const unused = (Object.keys(COSTLY_SUPPORT) as (keyof typeof COSTLY_SUPPORT)[]).filter((o) => !usesKeyword(this.schemaDocument, COSTLY_SUPPORT[o]));
    this.fast = createAjv(false, unused);
    this.full = createAjv(true);
    this.fast.addSchema(inlineRefs(this.schemaDocument) as object, DOCUMENT_ID);
    this.full.addSchema(this.schemaDocument as object, DOCUMENT_ID);
  }

  private compile(ajv: Ajv2020, cache: Map<string, ValidateFunction>, pointer: string): ValidateFunction {
    let fn = cache.get(pointer);
    if (!fn) {
      fn = ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
      cache.set(pointer, fn);
    }
    return fn;
  }

  /** The validator for the schema at `pointer` that reports every violation (compiled once, then cached). */
  validatorAt(pointer: string): ValidateFunction {
    return this.compile(this.full, this.fullCompiled, pointer);
  }

  /** The validator for the schema at `pointer` that stops at the first violation: for the pass path. */
  testerAt(pointer: string): (value: unknown) => boolean {
    const fn = this.compile(this.fast, this.fastCompiled, pointer);
    return (value) => fn(value, ROOT_CONTEXT) as boolean;
  }

  /** Every Ajv error for `value` (empty when valid): the input of the drift classifier. */
  errors(pointer: string, value: unknown): ErrorObject[] {
    if (this.testerAt(pointer)(value)) return [];
    const fn = this.validatorAt(pointer);
    return fn(value) ? [] : [...(fn.errors ?? [])];
  }

  /** The schema node at a `#/…` pointer of the compiled document. */
  schemaAt(pointer: string): Json | undefined {
    return getByPointer(this.schemaDocument, pointer.startsWith('#') ? pointer : `#${pointer}`);
  }

  private pointers: WeakMap<object, string> | undefined;

  /** Where a schema object of the compiled document lives (an error's `parentSchema` → `#/components/schemas/X`). */
  pointerOf(schema: unknown): string | undefined {
    if (!this.pointers) {
      const index = new WeakMap<object, string>();
      const walk = (node: Json, at: string) => {
        if (!node || typeof node !== 'object') return;
        if (!index.has(node)) index.set(node, at);
        if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}/${i}`));
        else for (const [k, v] of Object.entries(node)) walk(v, `${at}/${pointerSegment(k)}`);
      };
      walk(this.schemaDocument, '#');
      this.pointers = index;
    }
    return schema && typeof schema === 'object' ? this.pointers.get(schema) : undefined;
  }

  validate(pointer: string, value: unknown): ValidationResult {
    const errors = this.errors(pointer, value);
    return { valid: errors.length === 0, violations: toViolations(errors) };
  }

  /**
   * Validates a value and, when its schema declares `contentEncoding: base64` with
   * `contentMediaType: application/json`, also decodes it and validates `contentSchema`.
   * Ajv treats `contentSchema` as an annotation; headers such as X-Device-Info need both.
   */
  validateEncoded(pointer: string, value: unknown): ValidationResult {
    const outer = this.validate(pointer, value);
    const { node: schema, pointer: at } = deref<JsonObject>(this.doc, { $ref: pointer }, pointer);
    if (typeof value !== 'string' || schema.contentEncoding !== 'base64' || !schema.contentSchema) return outer;
    const decoded = decodeBase64Json(value);
    if (!decoded.ok) return { valid: false, violations: [...outer.violations.filter((v) => v.keyword !== 'contentEncoding'), { path: '', message: decoded.message, keyword: 'contentSchema' }] };
    const inner = this.validate(`${at}/contentSchema`, decoded.value);
    return {
      valid: outer.valid && inner.valid,
      violations: [...outer.violations, ...inner.violations.map((v) => ({ ...v, path: `(decoded)${v.path}` }))],
    };
  }
}

export type Decoded = { ok: true; value: Json } | { ok: false; message: string };

/** Strict base64 → UTF-8 → JSON, with a message that says which step failed. */
export function decodeBase64Json(value: string): Decoded {
  if (value === '' || !isBase64(value)) {
    return { ok: false, message: 'is not base64 (RFC 4648 alphabet, padded to a multiple of 4)' };
  }
  const text = Buffer.from(value, 'base64').toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch (error) {
    return { ok: false, message: `decodes to text that is not JSON (${(error as Error).message})` };
  }
}
