// The errors the client throws, and reading Adobe's enhanced errors out of responses.
// A message is built from our own words, the operation's path template, numbers and error codes
// that pass `safeCode` — never from text a server sent, which may echo a secret back.
import type { components } from '../generated/schema.d.ts';
import type { Redactor } from './redact.ts';

export type EnhancedError = components['schemas']['EnhancedError'];
export type ErrorAction = components['schemas']['ErrorAction'];

export function isEnhancedError(value: unknown): value is EnhancedError {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.action === 'string' && typeof v.status === 'number';
}

/** The enhanced error in a response body, without consuming the response. */
export async function readEnhancedError(response: Response): Promise<EnhancedError | undefined> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) return undefined;
  try {
    const body: unknown = await response.clone().json();
    return isEnhancedError(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An error code from a server, if it looks like one (`invalid_client`, `authenticated_profile_missing`):
 * lower-case words joined by underscores (so nothing token-like: no digits, no capitals) and no
 * known secret. Anything else is left out of messages, because a hostile or broken server may put
 * a secret where a code belongs.
 */
export function safeCode(value: unknown, redactor?: Redactor): string | undefined {
  if (typeof value !== 'string' || !/^[a-z][a-z_]{1,79}$/.test(value)) return undefined;
  if (redactor && redactor.text(value) !== value) return undefined;
  return value;
}

export type PassErrorKind =
  /** A request took longer than its timeout. */
  | 'timeout'
  /** The connection failed or broke before a response. */
  | 'network'
  /** Adobe answered 429 and the client may not (or no longer) wait: see `retryAt`. */
  | 'rate-limited'
  /** A body that is not the JSON the operation returns, or larger than the bound; a DCR call's server error (5xx). */
  | 'unexpected-response'
  /** DCR registration or token request refused (4xx). */
  | 'credentials'
  /** The token store could not be locked or read. */
  | 'store'
  /** A flow got an answer it cannot use (e.g. no Location on a redirect). */
  | 'protocol';

export interface PassErrorDetails {
  kind: PassErrorKind;
  status?: number;
  /** Adobe's or OAuth's error code, when it passed `safeCode`. */
  code?: string;
  /** `METHOD /path/{template}` of the operation. */
  operation?: string;
}

/** Every error the client throws (except the caller's own abort reason, which is re-thrown as is). */
export class PassError extends Error {
  readonly kind: PassErrorKind;
  readonly status?: number;
  readonly code?: string;
  readonly operation?: string;

  constructor(message: string, details: PassErrorDetails) {
    super(message);
    this.name = 'PassError';
    this.kind = details.kind;
    if (details.status !== undefined) this.status = details.status;
    if (details.code !== undefined) this.code = details.code;
    if (details.operation !== undefined) this.operation = details.operation;
  }
}

export class PassTimeoutError extends PassError {
  constructor(operation: string, readonly timeoutMs: number) {
    super(`${operation}: no complete response within ${timeoutMs} ms (timeoutMs)`, { kind: 'timeout', operation });
    this.name = 'PassTimeoutError';
  }
}

/**
 * The port of `url` when fetch refused it as one of the Fetch standard's blocked ports (6000,
 * 6665–6669, 10080, …): fetch fails before connecting, says only "bad port" and gives no code.
 */
export function blockedPortOf(error: unknown, url: string): string | undefined {
  return (error as { cause?: { message?: unknown } } | undefined)?.cause?.message === 'bad port' ? new URL(url).port : undefined;
}

/** Why a blocked port failed, in our words. */
export const blockedPortReason = (port: string) => `fetch refuses port ${port}, one of the Fetch standard's blocked ports`;

/**
 * TLS errors that say the host's certificate is not trusted by this machine: what a proxy that
 * inspects TLS (a corporate network, some CI runners) causes, since it signs with its own CA.
 */
const UNTRUSTED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_UNTRUSTED']);

/** What a TLS certificate error code means (with the remedy for one this machine does not trust), or undefined for other codes. */
export function certificateProblem(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  if (UNTRUSTED.has(code)) return `the host's TLS certificate is not trusted here (${code}); if a proxy inspects TLS on this network, give Node its CA certificate: NODE_EXTRA_CA_CERTS=/path/to/ca.pem`;
  if (code === 'CERT_HAS_EXPIRED') return `the host's TLS certificate has expired (${code})`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the host's TLS certificate is for another host name (${code})`;
  return undefined;
}

export class PassNetworkError extends PassError {
  /**
   * @param causeCode Node's error code (`ECONNREFUSED`, `UND_ERR_SOCKET`), when it has one
   * @param blockedPort the port, when fetch refused it as a blocked port (blockedPortOf)
   * @param hint what else it may be, when there is neither (in a browser: a cross-origin refusal)
   */
  constructor(operation: string, readonly causeCode: string | undefined, readonly blockedPort?: string, hint?: string) {
    const certificate = certificateProblem(causeCode);
    const why = causeCode ?? (blockedPort ? blockedPortReason(blockedPort) : hint);
    super(certificate ? `${operation}: the connection failed: ${certificate}` : `${operation}: the connection failed${why ? ` (${why})` : ''}`, { kind: 'network', operation });
    this.name = 'PassNetworkError';
  }
}

export class PassRateLimitError extends PassError {
  constructor(
    operation: string,
    /** Epoch ms after which Adobe accepts this device's requests again. */
    readonly retryAt: number,
    why: string,
  ) {
    super(`${operation}: throttled by Adobe (HTTP 429); ${why}; retry after ${new Date(retryAt).toISOString()}`, { kind: 'rate-limited', status: 429, operation });
    this.name = 'PassRateLimitError';
  }
}

export class PassResponseError extends PassError {
  constructor(
    operation: string,
    status: number,
    /** The media type the server declared, if it is a common one (others are not repeated). */
    readonly contentType: string | undefined,
    readonly bytes: number,
    problem: string,
  ) {
    super(`${operation}: HTTP ${status} ${problem} (${bytes} bytes of ${contentType ?? 'undeclared or unrecognised type'}; the body is not shown)`, { kind: 'unexpected-response', status, operation });
    this.name = 'PassResponseError';
  }
}
