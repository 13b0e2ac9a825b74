// Turns a request violation Prism reports into the rejected input it names, and answers it with the
// error the description documents for that input (src/description/errors.ts builds the reply).
import { DocumentedErrors, type ErrorReply, type RejectedInput } from '../description/errors.ts';
import type { OpenApiDocument, Operation } from '../description/document.ts';
import type { DescriptionValidator } from '../description/validator.ts';

/** A request violation as Prism reports it (`validations.input`). */
export interface PrismViolation {
  path?: string[];
  code: string | number;
  message: string;
  severity: number;
}

/** The mock's enhanced errors all carry this `trace`, so its answers are the same from run to run. */
const TRACE = 'pass-contract-mock';

export class ViolationMapper {
  private readonly errors: DocumentedErrors;

  constructor(doc: OpenApiDocument, validator: DescriptionValidator) {
    this.errors = new DocumentedErrors(doc, validator, () => TRACE);
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
    return this.errors.rejected(op, input, detail);
  }

  /** The reply for a path parameter left empty (e.g. /logout/ without an mvpd). */
  emptyPathParameter(op: Operation, name: string): ErrorReply {
    return this.rejected(op, { in: 'path', name, missing: true }, `path ${name}: empty`);
  }

  /** The operation's documented 500, for a failure of the mock itself (never a malformed request). */
  internalError(op: Operation, detail: string): ErrorReply {
    return this.errors.reply(op, ['internal_server_error'], detail, 500);
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
}
