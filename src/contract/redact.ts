// Keeps secrets out of everything the check writes or prints: values it learns during the run
// (software statement, issued client id and secret, access tokens), values under sensitive keys,
// bearer tokens and `user:password@` in URLs. Redaction always happens before truncation, so not
// even a prefix of a secret survives.

export const REDACTED = '[redacted]';

// Keys whose values are credentials wherever they appear (DCR bodies, media tokens, SSO headers).
const SENSITIVE_KEYS = /^(authorization|proxy-authorization|cookie|set-cookie|client_id|samlresponse)$|secret|password|statement|token$/i;
// `scheme://user:password@host` and `Bearer <token>` wherever they appear in text.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@?#]*@/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi;
// Secrets shorter than this are not learned: replacing "a" everywhere would shred the report.
const MIN_SECRET = 6;

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

export class Redactor {
  private readonly secrets = new Set<string>();
  private ordered: string[] = [];

  constructor(secrets: Iterable<string | undefined> = []) {
    this.learn(...secrets);
  }

  /** Adds values to redact from now on (and their URL- and JSON-escaped forms). */
  learn(...values: (string | undefined | null)[]): void {
    let added = false;
    for (const v of values) {
      if (typeof v !== 'string' || v.length < MIN_SECRET) continue;
      for (const form of [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1), Buffer.from(v).toString('base64')]) {
        if (form.length >= MIN_SECRET && !this.secrets.has(form)) {
          this.secrets.add(form);
          added = true;
        }
      }
    }
    // Longest first, so a secret that contains another is replaced whole.
    if (added) this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.ordered.length;
  }

  /** `text` with every known secret, bearer token and URL password replaced. */
  text(text: string): string {
    let out = text;
    for (const s of this.ordered) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out.replace(USERINFO, (_, scheme: string) => `${scheme}${REDACTED}@`).replace(BEARER, (_, scheme: string) => `${scheme} ${REDACTED}`);
  }

  /** A deep copy with every string redacted and every value under a sensitive key replaced. */
  value<T>(value: T): T {
    const scrub = (v: unknown, key?: string): unknown => {
      if (key !== undefined && SENSITIVE_KEYS.test(key) && v !== undefined && v !== null) return REDACTED;
      if (typeof v === 'string') return this.text(v);
      if (Array.isArray(v)) return v.map((x) => scrub(x));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x, k)]));
      return v;
    };
    return scrub(value) as T;
  }

  /** A value shown in a report: redacted first, then cut to `max` characters. */
  show(value: unknown, max = 200): string {
    if (value === undefined) return '(absent)';
    const safe = this.text(JSON.stringify(this.value(value)) ?? String(value));
    return safe.length > max ? `${safe.slice(0, max)}…` : safe;
  }
}
