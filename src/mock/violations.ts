// Turns Prism's request violations into the error the description documents for that input.
import { deref, type JsonObject, type OpenApiDocument, type Operation } from '../description/document.ts';
import type { DescriptionValidator } from '../description/validator.ts';

/** A request violation as Prism reports it (`validations.input`). */
export interface PrismViolation {
  path?: string[];
  code: string | number;
  message: string;
  severity: number;
}

export interface ErrorReply {
  status: number;
  /** JSON body; undefined when the description documents no code for the input. */
  body?: JsonObject;
  /** Which input was wrong, for the `X-Pass-Mock-Violation` header and logs. */
  violation: string;
}

interface CatalogEntry { code: string; status: number; action: string; message: string }

const HELP_URL = 'https://experienceleague.adobe.com/docs/pass/authentication/auth-features/error-reportn/enhanced-error-codes.html';

export class ViolationMapper {
  private readonly catalog: Map<string, CatalogEntry>;
  private readonly securityCode: string | undefined;

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly validator: DescriptionValidator,
  ) {
    const errorCode = (doc.components.schemas as JsonObject).ErrorCode as JsonObject;
    this.catalog = new Map((errorCode['x-error-catalog'] as unknown as CatalogEntry[]).map((e) => [e.code, e]));
    const schemes = (doc.components.securitySchemes ?? {}) as JsonObject;
    this.securityCode = (schemes.accessToken as JsonObject | undefined)?.['x-error-code'] as string | undefined;
  }

  /** The reply for the first error-severity violation of a request to `op`. */
  reply(op: Operation, violations: PrismViolation[]): ErrorReply | undefined {
    const violation = violations.find((v) => v.severity === 0);
    if (!violation) return undefined;
    const where = violation.code === 401 ? 'Authorization' : describe(violation);
    return this.replyFor(op, this.candidates(op, violation), `${where}: ${violation.message}`);
  }

  /** The reply for a path parameter left empty (e.g. /logout/ without an mvpd). */
  emptyPathParameter(op: Operation, name: string): ErrorReply {
    const param = op.parameters.find((p) => p.in === 'path' && p.name === name);
    const code = (param as unknown as JsonObject | undefined)?.['x-error-code'];
    return this.replyFor(op, typeof code === 'string' ? [code] : [], `path ${name}: empty`);
  }

  private candidates(op: Operation, v: PrismViolation): string[] {
    if (v.code === 401) return this.securityCode ? [this.securityCode] : [];
    const bodySchema = () => (op.requestBody ? deref<JsonObject>(this.doc, { $ref: op.requestBody.schemaPointer }, op.requestBody.schemaPointer).node : {});
    // "Body parameter is required" (no path): every required field is missing; report the first.
    const noBody = !v.path?.length && op.requestBody;
    const [where, named] = noBody ? ['body', ((bodySchema().required as string[] | undefined) ?? [])[0]] : v.path ?? [];
    const name = named ?? /required property '([^']+)'/.exec(v.message)?.[1];
    const codes: unknown[] = [];
    if (where === 'body') {
      const body = bodySchema();
      const property = name ? ((body.properties as JsonObject | undefined)?.[name] as JsonObject | undefined) : undefined;
      // A missing field is a malformed body first (OAuth's invalid_request); a bad value is the field's own error.
      codes.push(...(v.code === 'required' || noBody ? [body['x-error-code'], property?.['x-error-code']] : [property?.['x-error-code'], body['x-error-code']]));
    } else if (name) {
      const param = op.parameters.find((p) => p.in === where && p.name.toLowerCase() === name.toLowerCase());
      codes.push((param as unknown as JsonObject | undefined)?.['x-error-code']);
    }
    // A DCR operation answers anything malformed with its body's OAuth code.
    if (where !== 'body' && op.requestBody) codes.push(bodySchema()['x-error-code']);
    return codes.filter((c): c is string => typeof c === 'string');
  }

  /** The first candidate whose error body the operation documents for that status. */
  private replyFor(op: Operation, codes: string[], violation: string): ErrorReply {
    for (const code of codes) {
      const entry = this.catalog.get(code);
      const status = entry?.status ?? 400;
      const body: JsonObject = entry
        ? { action: entry.action, status, code, message: entry.message, details: violation, helpUrl: HELP_URL, trace: 'pass-contract-mock' }
        : { error: code };
      const ref = (op.node.responses as JsonObject)[String(status)];
      if (!ref) continue;
      const response = deref<JsonObject>(this.doc, ref, `${op.pointer}/responses/${status}`);
      if (!(response.node.content as JsonObject | undefined)?.['application/json']) continue;
      const pointer = `${response.pointer}/content/application~1json/schema`;
      if (this.validator.validate(pointer, body).valid) return { status, body, violation };
    }
    return { status: 400, violation };
  }
}

function describe(v: PrismViolation): string {
  const [where, name] = v.path?.length ? v.path : ['body'];
  const missing = /required property '([^']+)'/.exec(v.message)?.[1];
  return [where, name ?? missing].filter(Boolean).join(' ');
}
