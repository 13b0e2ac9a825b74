// Turns a rejected input (a Prism violation, or one of the mock's own checks) into the error the
// description documents for it: the input's `x-error-code`, else its body's, in the operation's shape.
import { deref, errorCatalog, type CatalogEntry, type JsonObject, type OpenApiDocument, type Operation } from '../description/document.ts';
import type { DescriptionValidator } from '../description/validator.ts';

/** A request violation as Prism reports it (`validations.input`). */
export interface PrismViolation {
  path?: string[];
  code: string | number;
  message: string;
  severity: number;
}

/** Which input was wrong. `missing` when it was absent rather than invalid. */
export interface RejectedInput {
  in: 'path' | 'query' | 'header' | 'body' | 'security';
  name?: string;
  missing?: boolean;
}

export interface ErrorReply {
  status: number;
  /** JSON body (enhanced error or OAuth error); undefined when the description documents no code for the input. */
  body?: JsonObject;
  /** HTML body, for an operation whose error responses are HTML pages (performAuthentication). */
  html?: string;
  /** Which input was wrong, for the `X-Pass-Mock-Violation` header and logs. */
  violation: string;
}

const HELP_URL = 'https://experienceleague.adobe.com/docs/pass/authentication/auth-features/error-reportn/enhanced-error-codes.html';
const TRACE = 'pass-contract-mock';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class ViolationMapper {
  private readonly catalog: Map<string, CatalogEntry>;
  private readonly securityCode: string | undefined;

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly validator: DescriptionValidator,
  ) {
    this.catalog = errorCatalog(doc);
    const schemes = (doc.components.securitySchemes ?? {}) as JsonObject;
    this.securityCode = (schemes.accessToken as JsonObject | undefined)?.['x-error-code'] as string | undefined;
  }

  /** The reply for the first error-severity violation Prism found in a request to `op`, if any. */
  reply(op: Operation, violations: PrismViolation[]): ErrorReply | undefined {
    const violation = violations.find((v) => v.severity === 0);
    if (!violation) return undefined;
    const input = this.inputOf(op, violation);
    const where = input.in === 'security' ? 'Authorization' : [input.in, input.name].filter(Boolean).join(' ');
    return this.rejected(op, input, `${where}: ${violation.message}`);
  }

  /** The reply for a rejected input, described by `detail` (e.g. "X-Device-Info: is not base64"). */
  rejected(op: Operation, input: RejectedInput, detail: string): ErrorReply {
    return this.replyFor(op, this.candidates(op, input), detail);
  }

  /** The reply for a path parameter left empty (e.g. /logout/ without an mvpd). */
  emptyPathParameter(op: Operation, name: string): ErrorReply {
    return this.rejected(op, { in: 'path', name, missing: true }, `path ${name}: empty`);
  }

  /** The operation's documented 500, for a failure of the mock itself (never a malformed request). */
  internalError(op: Operation, detail: string): ErrorReply {
    return this.replyFor(op, ['internal_server_error'], detail, 500);
  }

  /** Where Prism's violation points: `['header', 'ap-device-identifier']`, `['body', 'mvpd']`, or a required-property message. */
  private inputOf(op: Operation, v: PrismViolation): RejectedInput {
    if (v.code === 401) return { in: 'security' };
    const missingName = /required property '([^']+)'/.exec(v.message)?.[1];
    const missing = v.code === 'required' || missingName !== undefined;
    // "Body parameter is required" (no path) and 415 (unsupported media type) are about the whole body.
    if ((!v.path?.length && op.requestBody) || v.code === 415) return { in: 'body', missing: true };
    const [where = 'body', name] = v.path ?? [];
    return { in: where as RejectedInput['in'], name: name ?? missingName, missing };
  }

  private bodySchema(op: Operation): JsonObject {
    return op.requestBody ? deref<JsonObject>(this.doc, { $ref: op.requestBody.schemaPointer }, op.requestBody.schemaPointer).node : {};
  }

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

  /** The first candidate whose error body the operation documents for that status; else a bare `fallback` in the documented shape. */
  private replyFor(op: Operation, codes: string[], violation: string, fallback = 400): ErrorReply {
    for (const code of codes) {
      const entry = this.catalog.get(code);
      const status = entry?.status ?? 400;
      const response = this.documentedResponse(op, status);
      if (!response) continue;
      // JSON where the operation documents a JSON error that can carry the code; else its HTML page.
      if (response.jsonSchema) {
        const body: JsonObject = entry
          ? { action: entry.action, status, code, message: entry.message, details: violation, helpUrl: HELP_URL, trace: TRACE }
          : { error: code };
        if (this.validator.validate(response.jsonSchema, body).valid) return { status, body, violation };
      }
      if (response.html) return { status, html: htmlPage(status, code, violation), violation };
    }
    // No documented code fits: the status alone, as the description allows ("may carry an enhanced error").
    return this.documentedResponse(op, fallback)?.html ? { status: fallback, html: htmlPage(fallback, undefined, violation), violation } : { status: fallback, violation };
  }

  private documentedResponse(op: Operation, status: number): { jsonSchema?: string; html: boolean } | undefined {
    const ref = (op.node.responses as JsonObject)[String(status)];
    if (!ref) return undefined;
    const response = deref<JsonObject>(this.doc, ref, `${op.pointer}/responses/${status}`);
    const content = (response.node.content ?? {}) as JsonObject;
    return {
      ...(content['application/json'] ? { jsonSchema: `${response.pointer}/content/application~1json/schema` } : {}),
      html: 'text/html' in content,
    };
  }
}

function htmlPage(status: number, code: string | undefined, violation: string): string {
  const title = status === 500 ? 'Internal Server Error' : 'Bad Request';
  return `<!DOCTYPE html><html><head><title>${status} ${title}</title></head><body><h1>${title}</h1><p>${code ? `${escapeHtml(code)}: ` : ''}${escapeHtml(violation)}</p></body></html>`;
}
