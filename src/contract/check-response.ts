// Compares one observed HTTP response with what the description documents for its operation.
import { deref, getByPointer, pointerSegment, type Json, type JsonObject, type OpenApiDocument, type Operation } from '../description/document.ts';
import type { DescriptionValidator } from '../description/validator.ts';

export interface Observed {
  status: number;
  headers: Headers;
  body: string;
}

export type DriftKind = 'status' | 'content-type' | 'header' | 'body';

export interface Drift {
  kind: DriftKind;
  /** JSON Pointer into the body (`/logouts/Cablevision/url`), or `/headers/<name>`, or `` for the whole response. */
  pointer: string;
  expected: string;
  actual: string;
}

const MAX_ACTUAL = 200;
const show = (value: Json | undefined) => (value === undefined ? '(absent)' : JSON.stringify(value).slice(0, MAX_ACTUAL));
const mediaType = (contentType: string | null) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

export class ResponseChecker {
  constructor(
    private readonly doc: OpenApiDocument,
    private readonly validator: DescriptionValidator,
  ) {}

  /** The documented response for a status: exact code, then `4XX`-style range, then `default`. */
  responseFor(op: Operation, status: number): { node: JsonObject; pointer: string } | undefined {
    const responses = op.node.responses as JsonObject;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
    return key ? deref<JsonObject>(this.doc, responses[key]!, `${op.pointer}/responses/${key}`) : undefined;
  }

  /**
   * Drift between `observed` and the description. `expectedStatus` narrows the allowed status
   * (the mock replays one documented situation); without it any documented status is allowed.
   */
  check(op: Operation, observed: Observed, expectedStatus?: number): Drift[] {
    const documented = Object.keys(op.node.responses as JsonObject);
    if (expectedStatus !== undefined && observed.status !== expectedStatus) {
      return [{ kind: 'status', pointer: '', expected: String(expectedStatus), actual: String(observed.status) }];
    }
    const response = this.responseFor(op, observed.status);
    if (!response) return [{ kind: 'status', pointer: '', expected: `one of ${documented.join(', ')}`, actual: String(observed.status) }];

    const drifts: Drift[] = [...this.checkHeaders(response, observed)];
    const content = (response.node.content ?? {}) as JsonObject;
    const media = Object.keys(content);
    if (media.length === 0) return drifts;
    // Errors "may" carry a body; a success that documents one must send it.
    if (observed.body === '' && observed.status >= 400) return drifts;
    const actualType = mediaType(observed.headers.get('content-type'));
    const matched = media.find((m) => m.toLowerCase() === actualType);
    if (!matched) return [...drifts, { kind: 'content-type', pointer: '', expected: media.join(' or '), actual: actualType || '(none)' }];

    const schemaPointer = `${response.pointer}/content/${pointerSegment(matched)}/schema`;
    let body: Json = observed.body;
    if (matched.includes('json')) {
      try {
        body = JSON.parse(observed.body) as Json;
      } catch {
        return [...drifts, { kind: 'body', pointer: '', expected: 'a JSON document', actual: show(observed.body) }];
      }
    }
    for (const v of this.validator.validate(schemaPointer, body).violations) {
      drifts.push({ kind: 'body', pointer: v.path, expected: v.message, actual: show(valueAt(body, v.path)) });
    }
    return drifts;
  }

  private checkHeaders(response: { node: JsonObject; pointer: string }, observed: Observed): Drift[] {
    const drifts: Drift[] = [];
    for (const [name, ref] of Object.entries((response.node.headers ?? {}) as JsonObject)) {
      const header = deref<JsonObject>(this.doc, ref, `${response.pointer}/headers/${name}`);
      const value = observed.headers.get(name);
      if (value === null) {
        if (header.node.required) drifts.push({ kind: 'header', pointer: `/headers/${name}`, expected: 'present', actual: '(absent)' });
        continue;
      }
      for (const v of this.validator.validate(`${header.pointer}/schema`, value).violations) {
        drifts.push({ kind: 'header', pointer: `/headers/${name}`, expected: v.message, actual: show(value) });
      }
    }
    return drifts;
  }
}

function valueAt(body: Json, pointer: string): Json | undefined {
  return pointer === '' ? body : getByPointer(body, `#${pointer}`);
}
