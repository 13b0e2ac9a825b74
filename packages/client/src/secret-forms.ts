// The core every redactor of the project shares (the client's, the check's, the HAR recorder's):
// a secret is learned together with the forms in which a server may echo it, and every form is
// replaced, longest first. Each redactor adds only its own rules around it (token-like runs,
// credential fields and headers, bearer tokens, passwords in URLs).
//
// What counts as a secret: the software statement, client secrets, access tokens (and any other
// credential a redactor finds under a credential field or header) and passwords in URLs, once
// they are MIN_SECRET_LENGTH characters or longer.
//
// client_id is an identifier, not a credential: alone it obtains nothing (the token endpoint
// wants the secret with it). The core therefore has no opinion on field names; each redactor
// decides, and says so where it does:
// - the client (redact.ts, dcr.ts) does not learn it: its messages and log entries never carry it;
// - the check (src/contract/redact.ts) redacts it: its reports are CI artifacts, often public;
// - the HAR recorder (src/http/har-redact.ts) keeps it: the audit groups token requests by it.

/**
 * Values shorter than this are not learned: replacing them everywhere would shred ordinary text,
 * and no credential is that short (values under credential fields and headers are still replaced
 * whole, whatever their length). The lowest of the three rules this one replaced (6, 6 and 8).
 */
export const MIN_SECRET_LENGTH = 6;

export const REDACTED = '[redacted]';

/**
 * The forms in which text may carry `secret`:
 * - as is, %-encoded (URLs), form-encoded (`+` for a space), inside a JSON string;
 * - base64 and base64url of its UTF-8 bytes, with and without padding, and also the part of it
 *   that shows when the secret sits at any of the three byte positions inside a longer base64
 *   text (`Basic base64(id:secret)`, a base64 JSON blob);
 * - each of these with `/` written `\/`, as PHP's JSON encoder does.
 * Forms shorter than MIN_SECRET_LENGTH are left out.
 */
export function encodedForms(secret: string): string[] {
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ v: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    ...base64Forms(new TextEncoder().encode(secret)),
  ];
  const out = new Set<string>();
  for (const form of forms) {
    if (form.length < MIN_SECRET_LENGTH) continue;
    out.add(form);
    if (form.includes('/')) out.add(form.replace(/\//g, '\\/'));
  }
  return [...out];
}

/** base64 (padded and not) and base64url, then for each byte offset 0–2 the characters that depend on `bytes` alone. */
function base64Forms(bytes: Uint8Array): string[] {
  const whole = base64(bytes);
  const forms = [whole, whole.replace(/=+$/, '')];
  for (let offset = 0; offset < 3; offset++) {
    const shifted = new Uint8Array(offset + bytes.length);
    shifted.set(bytes, offset);
    // Character i holds bits 6i … 6i+5: it depends on the secret alone from bit 8·offset to the secret's last bit.
    const core = base64(shifted).slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    forms.push(core);
  }
  return [...forms, ...forms.map((f) => f.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''))];
}

/** btoa wants one character per byte; the client also runs in browsers, where there is no Buffer. */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Learned secrets, each with its replacement; past `maxSecrets` the one learned (or seen) longest ago is forgotten. */
export class SecretForms {
  /** Secret → replacement, oldest first. */
  private readonly secrets = new Map<string, string>();
  /** Every form of every secret, longest first (so a secret that contains another is replaced whole); rebuilt after a change. */
  private longestFirst: [string, string][] | undefined;

  constructor(private readonly maxSecrets = Infinity) {}

  /** Learns `secret`, to be replaced (in each of its forms) by `replacement`; false when it is too short to learn. */
  learn(secret: string, replacement = REDACTED): boolean {
    if (secret.length < MIN_SECRET_LENGTH) return false;
    const had = this.secrets.get(secret);
    // Seen again: it becomes the newest; the forms change only with a new secret or a new replacement.
    this.secrets.delete(secret);
    this.secrets.set(secret, replacement);
    if (had !== replacement) this.longestFirst = undefined;
    if (this.secrets.size > this.maxSecrets) {
      this.secrets.delete(this.secrets.keys().next().value!);
      this.longestFirst = undefined;
    }
    return true;
  }

  /** `text` with every form of every learned secret replaced. */
  replace(text: string): string {
    if (!this.longestFirst) {
      const forms = new Map<string, string>();
      for (const [secret, replacement] of this.secrets) for (const form of encodedForms(secret)) forms.set(form, replacement);
      this.longestFirst = [...forms].sort(([a], [b]) => b.length - a.length);
    }
    let out = text;
    for (const [form, replacement] of this.longestFirst) if (out.includes(form)) out = out.split(form).join(replacement);
    return out;
  }
}
