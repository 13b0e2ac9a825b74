// Compares one observed HTTP response with what the description documents for its operation and
// classifies every difference by rule and tier. What can be worked out once per operation and
// status (pointers, header schemas, media types, compiled validators) is, on first use.
import { deref, pointerSegment, type Json, type JsonObject, type OpenApiDocument, type Operation } from '../description/document.ts';
import type { DescriptionValidator } from '../description/validator.ts';
import type { NotUtf8 } from '../http/utf8.ts';
import { classify } from './classify.ts';
import { groupFindings } from './group.ts';
import { Redactor } from './redact.ts';
import { RULES, type RuleId, type Tier } from './rules.ts';

export interface Observed {
  status: number;
  headers: Headers;
  body: string;
  /** The request URL: a relative `Location` is resolved against it. */
  url?: string;
  /** Where the body's bytes stop being UTF-8 (`body` has U+FFFD there). */
  notUtf8?: NotUtf8;
}

export type DriftKind = 'status' | 'content-type' | 'header' | 'body';

export interface Drift {
  rule: RuleId;
  tier: Tier;
  kind: DriftKind;
  /** JSON Pointer into the body (`/logouts/Cablevision/url`), or `/headers/<name>`, or `` for the whole response. */
  pointer: string;
  expected: string;
  /** What was there, redacted, then cut to 200 characters. */
  actual: string;
  /** One sentence saying what is wrong. */
  message: string;
  /** For additions: what to add to the description. */
  hint?: string;
  /**
   * How many more findings this row stands for: the same rule and expectation at the same place in
   * other items of a list, or, past a body's first 100 rows, the rest of this rule (the message says which).
   */
  more?: number;
  /** Set when the accepted-drift file lists this drift. */
  accepted?: { reason: string; expires: string };
}

export interface CheckContext {
  /** Exact status the case expects (the mock replays one situation; a negative case wants its error). */
  expectedStatus?: number;
  redactor?: Redactor;
}

/** A documented header: lowercase name, where drift about it points (`/headers/<name>`), its schema's pointer and tester. */
interface HeaderPlan { name: string; at: string; required: boolean; pointer: string; test: (v: unknown) => boolean }
interface MediaPlan { json: boolean; pointer: string; test: (v: unknown) => boolean }
interface ResponsePlan {
  headers: HeaderPlan[];
  documentedHeaders: Set<string>;
  media: Map<string, MediaPlan>;
  mediaList: string;
  /** `Content-Type` values seen so far → their documented media (null: not documented); bounded. */
  byContentType: Map<string, MediaPlan | null>;
}
/** Per operation: the plan of every status seen so far (null: not documented), keyed by the status number. */
interface OperationPlan { byStatus: Map<number, ResponsePlan | null>; documented: string }

/** How many distinct `Content-Type` values a response plan remembers (a hostile host could send endless variants). */
const CONTENT_TYPES_KEPT = 16;

const mediaTypeOf = (contentType: string | null) => {
  const raw = contentType ?? '';
  const semi = raw.indexOf(';');
  return (semi < 0 ? raw : raw.slice(0, semi)).trim().toLowerCase();
};

export const drift = (rule: RuleId, kind: DriftKind, pointer: string, expected: string, actual: string, message: string, hint?: string): Drift =>
  ({ rule, tier: RULES[rule].tier, kind, pointer, expected, actual, message, ...(hint ? { hint } : {}) });

/** Bad gateway, service unavailable, gateway timeout: what a load balancer or CDN answers for a host that is down. */
const GATEWAY_STATUSES = new Set([502, 503, 504]);

/** The error a case gets for such an answer. */
export const unavailableMessage = (status: number): string => `the host answered HTTP ${status} (a gateway, or the host unavailable; not an answer of the API): not checked`;

export class ResponseChecker {
  private readonly plans = new Map<Operation, OperationPlan>();
  private readonly defaultRedactor = new Redactor();

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly validator: DescriptionValidator,
  ) {}

  private operationPlan(op: Operation): OperationPlan {
    let plan = this.plans.get(op);
    if (!plan) {
      plan = { byStatus: new Map(), documented: Object.keys(op.node.responses as JsonObject).join(', ') };
      this.plans.set(op, plan);
    }
    return plan;
  }

  /**
   * A gateway's answer (502, 503, 504) that the operation does not document: the host or a front
   * end in front of it is unavailable, which says nothing about the API. The run reports it as an
   * error, not as drift (an outage during a nightly check is not a broken contract).
   */
  unavailable(op: Operation, status: number): boolean {
    return GATEWAY_STATUSES.has(status) && !this.responseFor(op, status);
  }

  /** The documented response for a status: exact code, then `4XX`-style range, then `default`. */
  responseFor(op: Operation, status: number): { node: JsonObject; pointer: string } | undefined {
    const responses = op.node.responses as JsonObject;
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
    return key ? deref<JsonObject>(this.doc, responses[key]!, `${op.pointer}/responses/${key}`) : undefined;
  }

  private responsePlan(plan: OperationPlan, op: Operation, status: number): ResponsePlan | null {
    let built = plan.byStatus.get(status);
    if (built !== undefined) return built;
    const response = this.responseFor(op, status);
    built = null;
    if (response) {
      const headers: HeaderPlan[] = [];
      for (const [name, ref] of Object.entries((response.node.headers ?? {}) as JsonObject)) {
        const header = deref<JsonObject>(this.doc, ref, `${response.pointer}/headers/${pointerSegment(name)}`);
        const pointer = `${header.pointer}/schema`;
        const lower = name.toLowerCase();
        headers.push({ name: lower, at: `/headers/${lower}`, required: header.node.required === true, pointer, test: this.validator.testerAt(pointer) });
      }
      const media = new Map<string, MediaPlan>();
      for (const m of Object.keys((response.node.content ?? {}) as JsonObject)) {
        const pointer = `${response.pointer}/content/${pointerSegment(m)}/schema`;
        media.set(m.toLowerCase(), { json: /\bjson\b/i.test(m), pointer, test: this.validator.testerAt(pointer) });
      }
      built = { headers, documentedHeaders: new Set(headers.map((h) => h.name)), media, mediaList: [...media.keys()].join(' or '), byContentType: new Map() };
    }
    plan.byStatus.set(status, built);
    return built;
  }

  /** The documented media for a `Content-Type` value (parameters and case ignored), remembered per response. */
  private mediaFor(plan: ResponsePlan, contentType: string): MediaPlan | null {
    let media = plan.byContentType.get(contentType);
    if (media === undefined) {
      media = plan.media.get(mediaTypeOf(contentType)) ?? null;
      if (plan.byContentType.size < CONTENT_TYPES_KEPT) plan.byContentType.set(contentType, media);
    }
    return media;
  }

  /** Every drift between `observed` and the description, classified. */
  check(op: Operation, observed: Observed, context: CheckContext = {}): Drift[] {
    const redactor = context.redactor ?? this.defaultRedactor;
    if (context.expectedStatus !== undefined && observed.status !== context.expectedStatus) {
      return [drift('status-unexpected', 'status', '', String(context.expectedStatus), String(observed.status), `status ${observed.status}, the case expects ${context.expectedStatus}`)];
    }
    const operation = this.operationPlan(op);
    const plan = this.responsePlan(operation, op, observed.status);
    if (!plan) {
      const documented = operation.documented;
      return [drift('status-undocumented', 'status', '', `one of ${documented}`, String(observed.status), `status ${observed.status} is not documented for ${op.operationId} (${documented})`)];
    }

    // One pass over the headers: cheaper than a Headers.get() per name.
    let contentType: string | null = null;
    let documented: Map<string, string> | undefined;
    let undocumented: [string, string][] | undefined;
    for (const [name, value] of observed.headers) {
      if (name === 'content-type') contentType = value;
      if (plan.documentedHeaders.has(name)) (documented ??= new Map()).set(name, value);
      else if (name.startsWith('ap-')) (undocumented ??= []).push([name, value]);
    }
    const drifts: Drift[] = plan.headers.length > 0 || undocumented ? this.checkHeaders(plan, documented, undocumented, observed, redactor) : [];
    if (plan.media.size === 0) return drifts;
    if (observed.body === '') {
      // Errors "may" carry a body; a success that documents one must send it.
      if (observed.status >= 400) return drifts;
      return [...drifts, drift('body-missing', 'body', '', plan.mediaList, '(empty)', `the ${observed.status} response has no body; the description documents ${plan.mediaList}`)];
    }
    const media = this.mediaFor(plan, contentType ?? '');
    if (!media) {
      const actualType = mediaTypeOf(contentType);
      return [...drifts, drift('media-type-undocumented', 'content-type', '', plan.mediaList, actualType || '(none)', `Content-Type ${actualType || '(none)'} is not documented (${plan.mediaList})`)];
    }
    let body: Json = observed.body;
    if (media.json) {
      try {
        body = JSON.parse(observed.body) as Json;
      } catch {
        return [...drifts, drift('body-not-json', 'body', '', 'a JSON document', redactor.show(observed.body), `the ${mediaTypeOf(contentType)} body does not parse as JSON`)];
      }
    }
    if (media.json && observed.notUtf8) drifts.push(notUtf8Drift(observed.notUtf8, body, mediaTypeOf(contentType)));
    if (media.test(body)) return drifts;
    const findings = classify(this.validator.errors(media.pointer, body), body, (schema) => this.validator.pointerOf(schema));
    for (const f of groupFindings(findings, body)) {
      const also = f.more === 0 ? '' : f.unlisted ? ` (and ${f.more} more ${f.rule} in this body, not listed)` : f.items ? ` (the same in ${f.more} more items: \`${f.items}\`)` : '';
      const row = drift(f.rule, 'body', f.pointer, f.expected, redactor.show(f.actual), redactor.text(`${f.message}${also}`), f.hint && redactor.text(f.hint));
      drifts.push(f.more === 0 ? row : { ...row, more: f.more });
    }
    return drifts;
  }

  private checkHeaders(plan: ResponsePlan, documented: Map<string, string> | undefined, undocumented: [string, string][] | undefined, observed: Observed, redactor: Redactor): Drift[] {
    const drifts: Drift[] = [];
    for (const h of plan.headers) {
      const pointer = h.at;
      const value = documented?.get(h.name);
      if (value === undefined) {
        if (h.required) drifts.push(drift('header-missing', 'header', pointer, 'present', '(absent)', `required header ${h.name} is absent`));
        continue;
      }
      if (h.test(value)) continue;
      // HTTP allows a relative Location (RFC 9110 §10.2.2): judge it resolved against the request.
      if (h.name === 'location' && observed.url && !/^[a-z][a-z0-9+.-]*:/i.test(value)) {
        const resolved = resolveUrl(value, observed.url);
        if (resolved && h.test(resolved)) {
          drifts.push(drift('location-relative', 'header', pointer, 'an absolute URI', redactor.show(value), `Location is relative (${redactor.show(value)}); resolved against the request it is valid`));
          continue;
        }
      }
      const message = this.validator.validate(h.pointer, value).violations[0]?.message ?? 'is invalid';
      drifts.push(drift('header-invalid', 'header', pointer, message, redactor.show(value), `header ${h.name} ${message}`));
    }
    // Adobe's own headers start with AP-: one the response does not document is worth adding.
    for (const [name, value] of undocumented ?? []) {
      drifts.push(drift('header-undocumented', 'header', `/headers/${name}`, 'not in the description', redactor.show(value), `header ${name} is not documented for this response`, `add a response header \`${name}\` to the ${observed.status} response`));
    }
    return drifts;
  }
}

/**
 * A JSON body whose bytes are not UTF-8 (RFC 8259 §8.1; Adobe's say charset=UTF-8): it parsed, with
 * U+FFFD where the bytes were, which the row points at (the first key or string holding one).
 */
function notUtf8Drift(at: NotUtf8, body: Json, mediaType: string): Drift {
  const pointer = replacementAt(body, '') ?? '';
  const byte = `0x${at.byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return drift('body-not-utf8', 'body', pointer, 'UTF-8 (RFC 8259 §8.1)', `byte ${byte} at offset ${at.offset}`,
    `the ${mediaType} body is not UTF-8: byte ${byte} at offset ${at.offset}${pointer ? ` (in ${pointer})` : ''}; a client reads U+FFFD in its place (another encoding, such as Latin-1, under a JSON media type)`);
}

/**
 * The pointer of the first key or string, in document order, that holds U+FFFD (a key's pointer is
 * its member's). A stack, not recursion: a hostile body can nest 100,000 deep.
 */
function replacementAt(body: Json, root: string): string | undefined {
  const stack: [Json, string][] = [[body, root]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [value, at] = next;
    if (typeof value === 'string') {
      if (value.includes('\uFFFD')) return at;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i]!, `${at}/${i}`]);
    } else if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, v] = entries[i]!;
        // A key is met before its value.
        stack.push([v, `${at}/${pointerSegment(key)}`], [key, `${at}/${pointerSegment(key)}`]);
      }
    }
  }
  return undefined;
}

function resolveUrl(value: string, base: string): string | undefined {
  try {
    return new URL(value, base).href;
  } catch {
    return undefined;
  }
}
