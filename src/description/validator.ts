// Ajv 2020-12 validators compiled from the bundled description, addressed by JSON Pointer.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { deref, pointerSegment, type Json, type JsonObject, type OpenApiDocument } from './document.ts';

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

export class DescriptionValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: OpenApiDocument) {
    // strict: false because the whole OpenAPI document is added as one schema resource so that
    // schemas inline in paths can be addressed; non-schema members (info, paths…) are ignored.
    // validateSchema: false because the document is not a JSON Schema: checking it against the
    // meta-schema cost 60–100 ms of every start-up and proved nothing (tests/description/oas31
    // validates the whole description, its schemas included, against the official OAS 3.1 schema).
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, validateSchema: false });
    addFormats.default(this.ajv);
    this.ajv.addSchema(doc as object, DOCUMENT_ID);
  }

  /** The compiled validator for the schema at `pointer` (compiled once, then cached). */
  validatorAt(pointer: string): ValidateFunction {
    let fn = this.compiled.get(pointer);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
      this.compiled.set(pointer, fn);
    }
    return fn;
  }

  validate(pointer: string, value: unknown): ValidationResult {
    const fn = this.validatorAt(pointer);
    const valid = fn(value) as boolean;
    return { valid, violations: valid ? [] : toViolations(fn.errors) };
  }

  /**
   * Validates a value and, when its schema declares `contentEncoding: base64` with
   * `contentMediaType: application/json`, also decodes it and validates `contentSchema`.
   * Ajv treats the content keywords as annotations only; headers such as X-Device-Info need both.
   */
  validateEncoded(pointer: string, value: unknown): ValidationResult {
    const outer = this.validate(pointer, value);
    const { node: schema, pointer: at } = deref<JsonObject>(this.doc, { $ref: pointer }, pointer);
    if (typeof value !== 'string' || schema.contentEncoding !== 'base64' || !schema.contentSchema) return outer;
    const decoded = decodeBase64Json(value);
    if (!decoded.ok) return { valid: false, violations: [...outer.violations, { path: '', message: decoded.message, keyword: 'contentSchema' }] };
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
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) {
    return { ok: false, message: 'is not base64 (RFC 4648 alphabet, padded to a multiple of 4)' };
  }
  const text = Buffer.from(value, 'base64').toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch (error) {
    return { ok: false, message: `decodes to text that is not JSON (${(error as Error).message})` };
  }
}
