// The reply the description documents for a rejected input: its candidate `x-error-code`s (the
// parameter's, the body field's, the body's, the security scheme's) in Adobe's order, the first one
// the operation documents a body for at that code's status, as an enhanced error (`x-error-catalog`)
// or an OAuth error. The mock and the simulator both answer with it. The contract's expectations
// (`documentedRejection` in src/contract/cases.ts) are read separately on purpose: they judge this.
import { STATUS_CODES } from 'node:http';
import { deref, errorCatalog, pointerSegment, type CatalogEntry, type JsonObject, type OpenApiDocument, type Operation, type Parameter } from './document.ts';
import type { DescriptionValidator } from './validator.ts';

/** The `helpUrl` Adobe's samples carry (every enhanced-error example of the description). */
export const HELP_URL = 'https://experienceleague.adobe.com/docs/pass/authentication/auth-features/error-reportn/enhanced-error-codes.html';

export interface EnhancedError {
  action: string;
  status: number;
  code: string;
  message: string;
  details?: string;
  helpUrl: string;
  trace?: string;
}

/** An enhanced error as Adobe's error page defines it; `trace` is the response's id. */
export function enhancedError(entry: CatalogEntry, trace: string, details?: string, status = entry.status): EnhancedError {
  return { action: entry.action, status, code: entry.code, message: entry.message, ...(details ? { details } : {}), helpUrl: HELP_URL, trace };
}

/** Which input was wrong. `missing` when it was absent rather than invalid. */
export interface RejectedInput {
  in: Parameter['in'] | 'body' | 'security';
  name?: string;
  missing?: boolean;
}

export interface ErrorReply {
  status: number;
  /** JSON body (enhanced error or OAuth error); undefined when the description documents no code for the input. */
  body?: EnhancedError | { error: string };
  /** HTML body, for an error the operation documents as an HTML page (performAuthentication). */
  html?: string;
  /** Which input was wrong, for logs and the mock's `X-Pass-Mock-Violation` header. */
  violation: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An HTML error page: the status, and the code and what was wrong when known. */
export function errorPage(status: number, code: string | undefined, detail: string): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  const text = [code, detail].filter(Boolean).map((s) => escapeHtml(s!)).join(': ');
  return `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1>${text ? `<p>${text}</p>` : ''}</body></html>\n`;
}

export class DocumentedErrors {
  private readonly catalog: Map<string, CatalogEntry>;
  private readonly securityCode: string | undefined;
  /** Whether an operation's documented body at a status can carry a code: a fact of the description, so decided once. */
  private readonly carried = new Map<string, boolean>();

  /** `trace` gives each enhanced error its id (the simulator's seeded stream, the mock's constant). */
  constructor(
    private readonly doc: OpenApiDocument,
    private readonly validator: DescriptionValidator,
    private readonly trace: () => string,
  ) {
    this.catalog = errorCatalog(doc);
    const schemes = (doc.components.securitySchemes ?? {}) as JsonObject;
    this.securityCode = (schemes.accessToken as JsonObject | undefined)?.['x-error-code'] as string | undefined;
  }

  /** The catalog entry of a code (the simulator builds item-level errors from it). */
  entry(code: string): CatalogEntry {
    const e = this.catalog.get(code);
    if (!e) throw new Error(`"${code}" is not in the description's error catalog`);
    return e;
  }

  /** The reply for a rejected input, described by `detail` (e.g. "X-Device-Info: is not base64"). */
  rejected(op: Operation, input: RejectedInput, detail: string, fallback = 400): ErrorReply {
    return this.reply(op, this.candidates(op, input), detail, fallback);
  }

  /** The codes a rejected input may be answered with, best first. */
  private candidates(op: Operation, input: RejectedInput): string[] {
    if (input.in === 'security') return this.securityCode ? [this.securityCode] : [];
    const codes: unknown[] = [];
    if (input.in === 'body') {
      const body = this.bodySchema(op);
      // A body with no field named: every required field is missing; report the first.
      const name = input.name ?? (input.missing ? ((body.required as string[] | undefined) ?? [])[0] : undefined);
      const property = name ? ((body.properties as JsonObject | undefined)?.[name] as JsonObject | undefined) : undefined;
      // A missing field is a malformed body first (OAuth's invalid_request); a bad value is the field's own error.
      codes.push(...(input.missing ? [body['x-error-code'], property?.['x-error-code']] : [property?.['x-error-code'], body['x-error-code']]));
    } else if (input.name) {
      const param = op.parameters.find((p) => p.in === input.in && p.name.toLowerCase() === input.name!.toLowerCase());
      codes.push((param as unknown as JsonObject | undefined)?.['x-error-code']);
    }
    // A DCR operation answers anything malformed with its body's OAuth code.
    if (input.in !== 'body' && op.requestBody) codes.push(this.bodySchema(op)['x-error-code']);
    return codes.filter((c): c is string => typeof c === 'string');
  }

  /**
   * The first of `codes` whose error body the operation documents at that code's status (JSON where
   * the documented body can carry the code, else the documented HTML page); with none, the
   * `fallback` status alone, as an HTML page where the operation documents one.
   */
  reply(op: Operation, codes: string[], detail: string, fallback = 400): ErrorReply {
    for (const code of codes) {
      const entry = this.catalog.get(code);
      const status = entry?.status ?? 400;
      const response = this.documentedResponse(op, status);
      if (!response) continue;
      if (response.jsonSchema && this.carries(op, status, code, response.jsonSchema)) {
        return { status, body: entry ? enhancedError(entry, this.trace(), detail) : { error: code }, violation: detail };
      }
      if (response.html) return { status, html: errorPage(status, code, detail), violation: detail };
    }
    // No documented code fits: the status alone, as the description allows ("may carry an enhanced error").
    return this.documentedResponse(op, fallback)?.html ? { status: fallback, html: errorPage(fallback, undefined, detail), violation: detail } : { status: fallback, violation: detail };
  }

  private bodySchema(op: Operation): JsonObject {
    return op.requestBody ? deref<JsonObject>(this.doc, { $ref: op.requestBody.schemaPointer }, op.requestBody.schemaPointer).node : {};
  }

  private documentedResponse(op: Operation, status: number): { jsonSchema?: string; html: boolean } | undefined {
    const ref = (op.node.responses as JsonObject)[String(status)];
    if (!ref) return undefined;
    const response = deref<JsonObject>(this.doc, ref, `${op.pointer}/responses/${status}`);
    const content = (response.node.content ?? {}) as JsonObject;
    return {
      ...(content['application/json'] ? { jsonSchema: `${response.pointer}/content/${pointerSegment('application/json')}/schema` } : {}),
      html: 'text/html' in content,
    };
  }

  /** Validated on a sample body: `trace` and `details` are free text, so the answer holds for every body of that code. */
  private carries(op: Operation, status: number, code: string, schemaPointer: string): boolean {
    const key = `${op.pointer} ${status} ${code}`;
    let ok = this.carried.get(key);
    if (ok === undefined) {
      const entry = this.catalog.get(code);
      ok = this.validator.validate(schemaPointer, entry ? enhancedError(entry, 'trace', 'details') : { error: code }).valid;
      this.carried.set(key, ok);
    }
    return ok;
  }
}
