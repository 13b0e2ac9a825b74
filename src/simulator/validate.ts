// Checks a request against its operation in the description and, when it is invalid, answers with
// the error Adobe documents for that input (src/description/errors.ts), in the operation's shape.
import { deref, type CatalogEntry, type Json, type JsonObject, type OpenApiDocument, type Operation } from '../description/document.ts';
import { DocumentedErrors, type RejectedInput } from '../description/errors.ts';
import type { DescriptionValidator, ValidationResult } from '../description/validator.ts';
import { checkForm, mediaTypeOf } from '../mock/request.ts';
import { errorResponse, type SimResponse } from './reply.ts';

export interface RequestParts {
  path: Record<string, string>;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body?: string;
}

type Failed = { ok: false; reply: SimResponse; violation: string };
export type Checked = { ok: true; body: Json | undefined; token?: string } | Failed;

const CACHE_LIMIT = 20_000;

export class RequestValidator {
  private readonly errors: DocumentedErrors;
  /** Header and parameter values repeat across requests (same device, same token format): validate each once. */
  private readonly valueCache = new Map<string, ValidationResult>();

  /** `trace` gives each enhanced error its id: the seeded stream, so error traces replay with the rest. */
  constructor(
    private readonly doc: OpenApiDocument,
    private readonly validator: DescriptionValidator,
    trace: () => string,
  ) {
    this.errors = new DocumentedErrors(doc, validator, trace);
  }

  private validateValue(pointer: string, value: string): ValidationResult {
    const key = `${pointer}\u0000${value}`;
    let result = this.valueCache.get(key);
    if (!result) {
      if (this.valueCache.size >= CACHE_LIMIT) this.valueCache.clear();
      result = this.validator.validateEncoded(pointer, value);
      this.valueCache.set(key, result);
    }
    return result;
  }

  check(op: Operation, r: RequestParts): Checked {
    let token: string | undefined;
    if (op.needsAccessToken) {
      const m = /^Bearer[ ]+([^\s]+)$/i.exec(r.headers.authorization ?? '');
      if (!m) return this.reject(op, { in: 'security' }, 'Authorization: a bearer access token is required', 401);
      token = m[1];
    }
    for (const p of op.parameters) {
      const value = p.in === 'path' ? r.path[p.name] : p.in === 'query' ? r.query.get(p.name) ?? undefined : p.in === 'header' ? r.headers[p.name.toLowerCase()] : undefined;
      if (value === undefined || value === '') {
        if (p.required) return this.reject(op, { in: p.in, name: p.name, missing: true }, `${p.in} ${p.name}: missing`);
        continue;
      }
      const result = this.validateValue(p.schemaPointer, value);
      if (!result.valid) return this.reject(op, { in: p.in, name: p.name }, `${p.in} ${p.name}: ${result.violations[0]?.path ?? ''} ${result.violations[0]?.message ?? 'invalid'}`.replace(/\s+/g, ' '));
    }
    if (!op.requestBody) return { ok: true, body: undefined, ...(token ? { token } : {}) };
    return this.checkBody(op, r, token);
  }

  /** The reply for a path segment the router could not use as `name` (empty, or not valid percent-encoding). */
  rejectPathParameter(op: Operation, name: string, detail: string): Failed {
    return this.reject(op, { in: 'path', name }, detail);
  }

  private checkBody(op: Operation, r: RequestParts, token: string | undefined): Checked {
    const rb = op.requestBody!;
    const schema = deref<JsonObject>(this.doc, { $ref: rb.schemaPointer }, rb.schemaPointer).node;
    const contentType = r.headers['content-type'];
    const text = r.body ?? '';
    // A body that cannot be read (no usable Content-Type, another media type, not JSON, bad form
    // escapes) is answered as a missing one, as the mock does: the body's code, then its first required field's.
    const unreadable = (detail: string) => this.reject(op, { in: 'body', missing: true }, detail);
    if (text === '' && !contentType) {
      const first = ((schema.required as string[] | undefined) ?? [])[0];
      if (rb.required) return unreadable(`body: missing${first ? ` (${first} is required)` : ''}`);
      return { ok: true, body: undefined, ...(token ? { token } : {}) };
    }
    const media = contentType ? mediaTypeOf(contentType) : { ok: false as const, message: 'a body without Content-Type' };
    if (!media.ok) return unreadable(media.message);
    if (media.value !== rb.mediaType) return unreadable(`Content-Type: expected ${rb.mediaType}, got ${media.value}`);
    let value: Json;
    if (rb.mediaType === 'application/json') {
      try {
        value = JSON.parse(text) as Json;
      } catch {
        return unreadable('body: not JSON');
      }
    } else {
      const escapes = checkForm(text);
      if (!escapes.ok) return unreadable(escapes.message);
      const form: JsonObject = {};
      for (const [k, v] of new URLSearchParams(text)) {
        // The whole body is malformed (its own code), not the field.
        if (k in form) return this.reject(op, { in: 'body' }, `body: ${k} repeated`);
        form[k] = v;
      }
      value = form;
    }
    const result = this.validator.validate(rb.schemaPointer, value);
    if (!result.valid) {
      const bodyHasCode = typeof schema['x-error-code'] === 'string';
      for (const v of result.violations) {
        const name = v.path.split('/')[1];
        // Unknown fields are an error only where the body has its own code (OAuth's invalid_request); Adobe ignores them elsewhere.
        if (v.keyword === 'additionalProperties' && !bodyHasCode) continue;
        return this.reject(op, { in: 'body', ...(name ? { name } : {}), missing: v.keyword === 'required' }, `body ${v.path || '/'}: ${v.message}`);
      }
      if (value && typeof value === 'object' && !Array.isArray(value) && schema.properties) {
        // Drop the unknown fields ignored above so handlers only see described ones.
        value = Object.fromEntries(Object.entries(value).filter(([k]) => k in (schema.properties as JsonObject)));
      }
    }
    return { ok: true, body: value, ...(token ? { token } : {}) };
  }

  private reject(op: Operation, input: RejectedInput, violation: string, fallbackStatus = 400): Failed {
    return { ok: false, reply: errorResponse(this.errors.rejected(op, input, violation, fallbackStatus)), violation };
  }

  /** The reply for an invalid request: the first of `codes` whose body the operation documents for its status. */
  fail(op: Operation, codes: string[], violation: string, fallbackStatus = 400): Failed {
    return { ok: false, reply: errorResponse(this.errors.reply(op, codes, violation, fallbackStatus)), violation };
  }

  /** An error without a documented code: an HTML page where the operation documents one, else no body. */
  bare(op: Operation, status: number): SimResponse {
    return errorResponse(this.errors.reply(op, [], '', status));
  }

  /** The catalog entry of a code (handlers build item-level and top-level errors from it). */
  entry(code: string): CatalogEntry {
    return this.errors.entry(code);
  }
}
