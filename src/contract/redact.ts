// Keeps secrets out of everything the check writes or prints: values it learns during the run
// (software statement, issued client id and secret, access tokens; learned in every encoded form by
// the client package's SecretForms), values under sensitive keys, bearer tokens and
// `user:password@` in URLs. Redaction always happens before truncation, so not even a prefix of a
// secret survives.
import { REDACTED, SecretForms } from 'pass-contract-client';

// Keys whose values are credentials wherever they appear (DCR bodies, media tokens, SSO headers).
// client_id is among them, and the check learns the client id wherever it sees one: the reports
// are CI artifacts, often public (the decision for every redactor: pass-contract-client's secret-forms.ts).
const SENSITIVE_KEYS = /^(authorization|proxy-authorization|cookie|set-cookie|client_id|samlresponse)$|secret|password|statement|token$/i;
// `scheme://user:password@host` and `Bearer <token>` wherever they appear in text. The scheme is
// at most 32 characters (real ones are under 20): unbounded, each word of `a.a.a.…` was tried as
// a scheme against the rest of the text, quadratic (a host's 1 MiB body took minutes).
const USERINFO = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/@?#]*@/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi;

/** The password of a URL, as given and decoded (both are secrets). */
export function urlPasswords(url: URL): string[] {
  if (!url.password) return [];
  try {
    return [url.password, decodeURIComponent(url.password)];
  } catch {
    return [url.password];
  }
}

/** Drops `user:password@` from a URL (for labels and messages). */
export function safeUrl(url: string): string {
  return url.replace(USERINFO, (_, scheme: string) => scheme);
}

/** How deep `Redactor.value` copies; real bodies and reports nest less than 10 levels. */
const MAX_DEPTH = 64;
const TOO_DEEP = `(nested deeper than ${MAX_DEPTH} levels)`;

export class Redactor {
  private readonly secrets = new SecretForms();

  constructor(secrets: Iterable<string | undefined> = []) {
    this.learn(...secrets);
  }

  /** Adds values to redact from now on (and their encoded forms). */
  learn(...values: (string | undefined | null)[]): void {
    for (const v of values) if (typeof v === 'string') this.secrets.learn(v);
  }

  /** `text` with every known secret, bearer token and URL password replaced. */
  text(text: string): string {
    return this.secrets.replace(text).replace(USERINFO, (_, scheme: string) => `${scheme}${REDACTED}@`).replace(BEARER, (_, scheme: string) => `${scheme} ${REDACTED}`);
  }

  /**
   * A deep copy with every string redacted and every value under a sensitive key replaced. An array
   * or object nested deeper than MAX_DEPTH is replaced by a note: a host's `[[[[…]]]]` 100,000 deep
   * parses, but walking or printing it overflows the stack.
   */
  value<T>(value: T): T {
    const scrub = (v: unknown, depth: number, key?: string): unknown => {
      if (key !== undefined && SENSITIVE_KEYS.test(key) && v !== undefined && v !== null) return REDACTED;
      if (typeof v === 'string') return this.text(v);
      if (v && typeof v === 'object' && depth >= MAX_DEPTH) return TOO_DEEP;
      if (Array.isArray(v)) return v.map((x) => scrub(x, depth + 1));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x, depth + 1, k)]));
      return v;
    };
    return scrub(value, 0) as T;
  }

  /** A value shown in a report: redacted first, then cut to `max` characters. */
  show(value: unknown, max = 200): string {
    if (value === undefined) return '(absent)';
    const safe = this.text(JSON.stringify(this.value(value)) ?? String(value));
    return safe.length > max ? `${safe.slice(0, max)}…` : safe;
  }
}
