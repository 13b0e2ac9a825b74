// Redacts the secrets of one recorded HTTP exchange before it is written to a HAR file.
// A secret becomes an opaque reference such as `[redacted:1f2e3d4c]`: an HMAC of the value under a
// random key that lives only as long as this object. The same token gets the same reference in
// one recording, so the audit can tell "reused" from "new" without ever seeing a prefix of it.
// Learned secrets and their echoes (in each encoded form) are the client package's SecretForms.
import { createHmac, randomBytes } from 'node:crypto';
import type { Header, QueryString } from 'har-format';
import { SecretForms } from 'pass-contract-client';

/** Headers whose whole value is a credential (the scheme of Authorization is kept). */
const SECRET_HEADERS = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie',
  'ad-service-token', 'adobe-subject-token', 'x-roku-reserved-roku-connect-token', 'ap-temppass-identity',
]);

/**
 * JSON and form fields holding credentials, tokens or sign-in assertions, in bodies and query
 * strings. Not client_id: the audit groups token requests by it, and alone it obtains nothing
 * (the decision for every redactor: pass-contract-client's secret-forms.ts).
 */
const SECRET_FIELDS = /^(access_token|refresh_token|id_token|client_secret|software_statement|serializedtoken|samlresponse|password|assertion|code_verifier)$/i;

/** Runs of the characters JWTs are made of (their parts), and one such run, possibly empty, at a given place. */
const TOKEN_RUN = /[A-Za-z0-9_-]+/g;
const TOKEN_RUN_HERE = /[A-Za-z0-9_-]*/y;

/**
 * Each JWT in `text` (software statements and Adobe's access tokens are JWTs), or the first two
 * parts of one, replaced by `replace(jwt)`: what /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g
 * finds. That expression tries each `eyJ` of a run against the rest of the run, quadratic in a body
 * such as `eyJeyJeyJ…` (120 KB: 4.4 s); this reads each run once or twice: a match starts at the
 * first `eyJ` of a run that has 4 more characters after it, a dot and a run of 4 or more.
 */
function replaceJwts(text: string, replace: (jwt: string) => string): string {
  const runs = new RegExp(TOKEN_RUN);
  let out = '';
  let done = 0;
  for (let first = runs.exec(text); first; first = runs.exec(text)) {
    const at = first[0].indexOf('eyJ');
    const dot = first.index + first[0].length;
    if (at < 0 || first[0].length - at < 7 || text[dot] !== '.') continue;
    const second = runs.exec(text);
    if (!second || second.index !== dot + 1 || second[0].length < 4) {
      // The run after the dot (if any) may start a JWT of its own.
      runs.lastIndex = dot + 1;
      continue;
    }
    let end = second.index + second[0].length;
    if (text[end] === '.') {
      TOKEN_RUN_HERE.lastIndex = end + 1;
      end = end + 1 + TOKEN_RUN_HERE.exec(text)![0].length;
    }
    out += text.slice(done, first.index + at) + replace(text.slice(first.index + at, end));
    done = runs.lastIndex = end;
  }
  return out + text.slice(done);
}

/** What an already redacted value looks like (our own recordings read back). */
const REDACTED_REF = /^\[redacted(?::[0-9a-f]{8})?\]$/;

/** Secrets learned from the traffic kept for scrubbing echoes; the oldest are forgotten first (the configured ones never). */
const MAX_LEARNED = 256;

export class HarRedactor {
  private readonly key: Buffer;
  private readonly learned = new SecretForms(MAX_LEARNED);

  constructor(options: { key?: Buffer; secrets?: string[] } = {}) {
    this.key = options.key ?? randomBytes(32);
    for (const s of options.secrets ?? []) if (!REDACTED_REF.test(s)) this.learned.learn(s, this.ref(s), { keep: true });
  }

  /** The reference that stands for `secret` in this recording. */
  ref(secret: string): string {
    if (REDACTED_REF.test(secret)) return secret;
    return `[redacted:${createHmac('sha256', this.key).update(secret).digest('hex').slice(0, 8)}]`;
  }

  /** Remembers `secret` (and its encoded forms) so that later echoes of it (in bodies, URLs, any header) are replaced too. */
  learn(secret: string): string {
    const ref = this.ref(secret);
    if (!REDACTED_REF.test(secret)) this.learned.learn(secret, ref);
    return ref;
  }

  /** Collects the secrets of an exchange before any part of it is written, so echoes in the same exchange are caught. */
  collect(parts: { headers?: Header[]; bodies?: { text: string; mimeType: string }[]; url?: string }): void {
    for (const h of parts.headers ?? []) {
      const name = h.name.toLowerCase();
      if (!SECRET_HEADERS.has(name)) continue;
      const { credential } = splitScheme(h.name, h.value);
      if (credential) this.learn(credential);
      // A host may echo one cookie's value on its own (in a URL, a body): learn each value too.
      if (name === 'cookie' || name === 'set-cookie') for (const value of cookieValues(name, h.value)) this.learn(value);
    }
    for (const b of parts.bodies ?? []) for (const value of secretFieldValues(b.text, b.mimeType)) this.learn(value);
    if (parts.url) {
      const url = safeUrl(parts.url);
      if (url?.password) this.learn(decodeURIComponent(url.password));
      url?.searchParams.forEach((value, name) => SECRET_FIELDS.test(name) && value && this.learn(value));
    }
  }

  /** Replaces every learned secret and every JWT in free text. */
  text(value: string): string {
    return replaceJwts(this.learned.replace(value), (jwt) => this.learn(jwt));
  }

  headers(headers: Header[]): Header[] {
    return headers.map((h) => {
      if (!SECRET_HEADERS.has(h.name.toLowerCase())) return { name: h.name, value: /^https?:\/\//i.test(h.value) ? this.url(h.value) : this.text(h.value) };
      const { scheme, credential } = splitScheme(h.name, h.value);
      return { name: h.name, value: credential ? `${scheme}${this.learn(credential)}` : h.value };
    });
  }

  /** The URL without a password and with secret query values replaced. */
  url(value: string): string {
    const url = safeUrl(value);
    if (!url) return this.text(value);
    if (url.password) url.password = this.learn(decodeURIComponent(url.password));
    const params = [...url.searchParams];
    if (params.some(([name]) => SECRET_FIELDS.test(name))) {
      url.search = new URLSearchParams(params.map(([n, v]) => [n, SECRET_FIELDS.test(n) && v ? this.learn(v) : v])).toString();
    }
    return this.text(url.toString());
  }

  queryString(params: QueryString[]): QueryString[] {
    return params.map((p) => ({ name: p.name, value: SECRET_FIELDS.test(p.name) && p.value ? this.learn(p.value) : this.text(p.value) }));
  }

  /** A body with secret fields replaced (JSON and form bodies by field, anything else as text), once `collect()` has seen the exchange. */
  body(text: string, mimeType: string): string {
    if (isJson(mimeType)) {
      try {
        return JSON.stringify(this.scrubJson(JSON.parse(text)));
      } catch {
        // Not JSON after all, or JSON nested too deep to copy and print (JSON.parse takes
        // `[[[[…]]]]` 100,000 deep; a recursive copy and JSON.stringify overflow the stack):
        // replaced as text. `collect()` has already learned every secret field's value, however deep.
      }
    }
    if (isForm(mimeType)) {
      const form = new URLSearchParams(text);
      return new URLSearchParams([...form].map(([n, v]) => [n, SECRET_FIELDS.test(n) && v ? this.learn(v) : this.text(v)])).toString();
    }
    return this.text(text);
  }

  private scrubJson(value: unknown, key?: string): unknown {
    if (typeof value === 'string') return key && SECRET_FIELDS.test(key) && value ? this.learn(value) : this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.scrubJson(v));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.scrubJson(v, k)]));
    return value;
  }
}

export const isJson = (mimeType: string) => /[/+]json\b/i.test(mimeType);
export const isForm = (mimeType: string) => /application\/x-www-form-urlencoded/i.test(mimeType);

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The values of a Cookie header's pairs, or of a Set-Cookie header's cookie (attributes are not secrets). */
function cookieValues(name: string, header: string): string[] {
  const pairs = name === 'set-cookie' ? [header.split(';')[0]!] : header.split(';');
  return pairs.map((p) => p.slice(p.indexOf('=') + 1).trim()).filter((v) => v.length > 0);
}

/** `Bearer abc` → scheme `Bearer `, credential `abc`; cookies and tokens have no scheme. */
function splitScheme(name: string, value: string): { scheme: string; credential: string } {
  const lower = name.toLowerCase();
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const m = /^(\S+\s+)(.+)$/.exec(value.trim());
    if (m) return { scheme: m[1]!, credential: m[2]! };
  }
  return { scheme: '', credential: value.trim() };
}

/** The values of secret fields in a JSON or form body (for `collect`). */
function secretFieldValues(text: string, mimeType: string): string[] {
  const found: string[] = [];
  if (isForm(mimeType) || (!isJson(mimeType) && /^[\w.%-]+=/.test(text))) {
    for (const [n, v] of new URLSearchParams(text)) if (SECRET_FIELDS.test(n) && v) found.push(v);
    return found;
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return found; // Not JSON: only the JWT pattern applies to it.
  }
  // A loop over a stack of [key, value], not recursion: however deep a host nests, every field is reached.
  const stack: [string | undefined, unknown][] = [[undefined, root]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [key, value] = item;
    if (typeof value === 'string') {
      if (key && SECRET_FIELDS.test(key) && value) found.push(value);
    } else if (Array.isArray(value)) {
      for (const v of value) stack.push([undefined, v]);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) stack.push([k, v]);
    }
  }
  return found;
}
