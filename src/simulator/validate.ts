// Checks a request against its operation in the description and, when it is invalid, builds the
// error Adobe documents for that input (`x-error-code`), in the shape the operation documents.
import { deref, pointerSegment, type Json, type JsonObject, type OpenApiDocument, type Operation } from '../description/document.ts';
import type { DescriptionValidator, ValidationResult } from '../description/validator.ts';
import { checkForm, mediaTypeOf } from '../http/request.ts';
import { enhancedError, html, json, readCatalog, type CatalogEntry, type SimResponse } from './reply.ts';

export interface RequestParts {
  path: Record<string, string>;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body?: string;
}

export type Checked = { ok: true; body: Json | undefined; token?: string } | { ok: false; reply: SimResponse; violation: string };

const CACHE_LIMIT = 20_000;

export class RequestValidator {
  private readonly catalog: Map<string, CatalogEntry>;
  private readonly securityCode: string | undefined;
  /** Header and parameter values repeat across requests (same device, same token format): validate each once. */
  private readonly valueCache = new Map<string, ValidationResult>();
  private readonly replyCache = new Map<string, boolean>();

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly validator: DescriptionValidator,
    private readonly trace: () => string,
  ) {
    this.catalog = readCatalog(doc);
    this.securityCode = ((doc.components.securitySchemes as JsonObject | undefined)?.accessToken as JsonObject | undefined)?.['x-error-code'] as string | undefined;
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
      if (!m) return this.fail(op, this.securityCode ? [this.securityCode] : [], 'Authorization: a bearer access token is required', 401);
      token = m[1];
    }
    for (const p of op.parameters) {
      const value = p.in === 'path' ? r.path[p.name] : p.in === 'query' ? r.query.get(p.name) ?? undefined : p.in === 'header' ? r.headers[p.name.toLowerCase()] : undefined;
      if (value === undefined || value === '') {
        if (p.required) return this.fail(op, this.parameterCodes(op, p), `${p.in} ${p.name}: missing`);
        continue;
      }
      const result = this.validateValue(p.schemaPointer, value);
      if (!result.valid) return this.fail(op, this.parameterCodes(op, p), `${p.in} ${p.name}: ${result.violations[0]?.path ?? ''} ${result.violations[0]?.message ?? 'invalid'}`.replace(/\s+/g, ' '));
    }
    if (!op.requestBody) return { ok: true, body: undefined, ...(token ? { token } : {}) };
    return this.checkBody(op, r, token);
  }

  private bodySchema(op: Operation): JsonObject {
    return deref<JsonObject>(this.doc, { $ref: op.requestBody!.schemaPointer }, op.requestBody!.schemaPointer).node;
  }

  /** A parameter's own code, then (a DCR operation answers anything malformed with it) its body's OAuth code. */
  private parameterCodes(op: Operation, p: Operation['parameters'][number]): string[] {
    const codes = [(p as unknown as JsonObject)['x-error-code'], op.requestBody ? this.bodySchema(op)['x-error-code'] : undefined];
    return codes.filter((c): c is string => typeof c === 'string');
  }

  /** The reply for a path segment the router could not use as `name` (empty, or not valid percent-encoding). */
  rejectPathParameter(op: Operation, name: string, detail: string): { ok: false; reply: SimResponse; violation: string } {
    const p = op.parameters.find((x) => x.in === 'path' && x.name === name);
    return this.fail(op, p ? this.parameterCodes(op, p) : [], detail);
  }

  private checkBody(op: Operation, r: RequestParts, token: string | undefined): Checked {
    const rb = op.requestBody!;
    const schema = this.bodySchema(op);
    const bodyCode = typeof schema['x-error-code'] === 'string' ? [schema['x-error-code']] : [];
    const fieldCode = (name: string | undefined) => {
      const c = name ? ((schema.properties as JsonObject | undefined)?.[name] as JsonObject | undefined)?.['x-error-code'] : undefined;
      return typeof c === 'string' ? [c] : [];
    };
    const contentType = r.headers['content-type'];
    const text = r.body ?? '';
    // A body that cannot be read (no usable Content-Type, another media type, not JSON, bad form
    // escapes) is answered as a missing one, as the mock does: the body's code, then its first required field's.
    const first = ((schema.required as string[] | undefined) ?? [])[0];
    const unreadable = (detail: string) => this.fail(op, [...bodyCode, ...fieldCode(first)], detail);
    if (text === '' && !contentType) {
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
        if (k in form) return this.fail(op, bodyCode, `body: ${k} repeated`);
        form[k] = v;
      }
      value = form;
    }
    const result = this.validator.validate(rb.schemaPointer, value);
    if (!result.valid) {
      for (const v of result.violations) {
        const name = v.path.split('/')[1];
        // Unknown fields are an error only where the body has its own code (OAuth's invalid_request); Adobe ignores them elsewhere.
        if (v.keyword === 'additionalProperties' && bodyCode.length === 0) continue;
        const codes = v.keyword === 'required' ? [...bodyCode, ...fieldCode(name)] : [...fieldCode(name), ...bodyCode];
        return this.fail(op, codes, `body ${v.path || '/'}: ${v.message}`);
      }
      if (value && typeof value === 'object' && !Array.isArray(value) && schema.properties) {
        // Drop the unknown fields ignored above so handlers only see described ones.
        value = Object.fromEntries(Object.entries(value).filter(([k]) => k in (schema.properties as JsonObject)));
      }
    }
    return { ok: true, body: value, ...(token ? { token } : {}) };
  }

  /** The reply for an invalid request: the first candidate code whose body the operation documents for its status. */
  fail(op: Operation, codes: string[], violation: string, fallbackStatus = 400): { ok: false; reply: SimResponse; violation: string } {
    for (const code of codes) {
      const entry = this.catalog.get(code);
      const status = entry?.status ?? 400;
      const body = entry ? enhancedError(entry, this.trace(), violation) : { error: code };
      if (this.documents(op, status, code, body)) return { ok: false, reply: json(status, body), violation };
    }
    return { ok: false, reply: this.bare(op, fallbackStatus), violation };
  }

  /** An error without a documented code: an HTML page where the operation documents one, else no body. */
  bare(op: Operation, status: number, headers: Record<string, string> = {}): SimResponse {
    const response = (op.node.responses as JsonObject)[String(status)];
    const content = response ? (deref<JsonObject>(this.doc, response, `${op.pointer}/responses/${status}`).node.content as JsonObject | undefined) : undefined;
    if (content?.['text/html']) return html(status, `<html><head><title>${status}</title></head><body><h1>${status}</h1></body></html>\n`, headers);
    return { status, headers, body: '' };
  }

  private documents(op: Operation, status: number, code: string, body: unknown): boolean {
    const key = `${op.operationId} ${status} ${code}`;
    let ok = this.replyCache.get(key);
    if (ok === undefined) {
      const ref = (op.node.responses as JsonObject)[String(status)];
      ok = false;
      if (ref) {
        const response = deref<JsonObject>(this.doc, ref, `${op.pointer}/responses/${status}`);
        if ((response.node.content as JsonObject | undefined)?.['application/json']) {
          ok = this.validator.validate(`${response.pointer}/content/${pointerSegment('application/json')}/schema`, body).valid;
        }
      }
      this.replyCache.set(key, ok);
    }
    return ok;
  }

  /** The catalog entry of a code (handlers build item-level and top-level errors from it). */
  entry(code: string): CatalogEntry {
    const e = this.catalog.get(code);
    if (!e) throw new Error(`"${code}" is not in the description's error catalog`);
    return e;
  }
}
