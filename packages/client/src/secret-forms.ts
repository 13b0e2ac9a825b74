// The core every redactor of the project shares (the client's, the check's, the HAR recorder's):
// a secret is learned together with the forms in which a server may echo it, and every occurrence
// of every form is replaced, in one pass over the text. Each redactor adds only its own rules
// around it (token-like runs, credential fields and headers, bearer tokens, passwords in URLs).
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
 * - as is;
 * - %-encoded as encoders write it (percentForms), with upper- and lower-case hex;
 * - inside a JSON string as encoders write it (jsonForms), `\uXXXX` escapes included;
 * - base64 and base64url of its UTF-8 bytes, with and without padding, and also the part of it
 *   that shows when the secret sits at any of the three byte positions inside a longer base64
 *   text (`Basic base64(id:secret)`, a base64 JSON blob);
 * - the JSON forms that escape something, inside a JSON string once more as each JSON encoder
 *   writes it: JSON in JSON, from a server that puts a request's JSON body into its JSON error
 *   message or log line;
 * - each of these with `/` written `\/`, as PHP's JSON encoder does.
 * A secret with white space around it (a value pasted into an environment variable or a CI secret
 * with its line break) also has the forms of its trimmed value: what a server that trims, or an
 * echo that cuts at white space, shows. Forms shorter than MIN_SECRET_LENGTH are left out; a
 * secret with nothing to escape has only a few (its base64 ones).
 */
export function encodedForms(secret: string): string[] {
  const trimmed = secret.trim();
  const values = trimmed !== secret ? [secret, trimmed] : [secret];
  const out = new Set<string>();
  for (const value of values) {
    const json = jsonForms(value);
    const nested = [...json, ...json.map(phpSlashes)].filter((f) => /["\\]/.test(f)).flatMap(jsonForms);
    const forms = [value, ...percentForms(value), ...json, ...base64Forms(new TextEncoder().encode(value)), ...nested];
    for (const form of forms) {
      if (form.length < MIN_SECRET_LENGTH) continue;
      out.add(form);
      if (form.includes('/')) out.add(phpSlashes(form));
    }
  }
  return [...out];
}

/** `/` written `\/`, as PHP's json_encode writes it. */
function phpSlashes(form: string): string {
  return form.replace(/\//g, '\\/');
}

/** `%XX` for a character of one byte. */
const pct = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * %-encodings: encodeURIComponent's (JavaScript); RFC 3986's, which also encodes `!'()*` (PHP's
 * rawurlencode, Go's PathEscape, Python's quote with safe=''), and with `/` left alone (Python's
 * quote); the form encodings, a space as `+`: WHATWG's (URLSearchParams, Java's URLEncoder: `*`
 * kept, `~` encoded), RFC 3986's (Go's QueryEscape, Python's quote_plus), PHP's urlencode (only
 * letters, digits and `-._` kept) and .NET's HttpUtility.UrlEncode and WebUtility.UrlEncode
 * (`!()*` kept, `'` and `~` encoded). Each also with lower-case hex, which some encoders write
 * (HttpUtility) and every decoder reads.
 */
function percentForms(secret: string): string[] {
  const component = encodeURIComponent(secret);
  const rfc3986 = component.replace(/[!'()*]/g, pct);
  const plus = (f: string) => f.replace(/%20/g, '+');
  const forms = [
    component,
    rfc3986,
    rfc3986.replace(/%2F/g, '/'),
    new URLSearchParams({ v: secret }).toString().slice(2),
    plus(rfc3986),
    plus(rfc3986.replace(/~/g, pct)),
    plus(component.replace(/[~']/g, pct)),
  ];
  return forms.flatMap((f) => [f, f.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())]);
}

/** `\uXXXX` for one UTF-16 code unit. */
const unicodeEscape = (c: string, upper: boolean) => {
  const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
  return `\\u${upper ? hex.toUpperCase() : hex}`;
};

/**
 * The contents of a JSON string holding `secret`: JSON.stringify's (JavaScript, Jackson), and what
 * encoders that escape more write: every non-ASCII character as `\u00e9` (Python's json.dumps,
 * PHP's json_encode), `<>&` as `\u003c` (Go's encoding/json), `<>&'"`+` and every non-ASCII
 * character as `\u002B` (.NET's System.Text.Json).
 */
function jsonForms(secret: string): string[] {
  const plain = JSON.stringify(secret).slice(1, -1);
  return [
    plain,
    plain.replace(/[^\x00-\x7f]/g, (c) => unicodeEscape(c, false)),
    plain.replace(/[<>&\u2028\u2029]/g, (c) => unicodeEscape(c, false)),
    secret.replace(/[\x00-\x1f"\\<>&'`+\x7f-\uffff]/g, (c) => (c === '\\' || '\b\f\n\r\t'.includes(c) ? JSON.stringify(c).slice(1, -1) : unicodeEscape(c, true))),
  ];
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

/** Every form is at least this long: the scan looks each window of this many characters up. */
const WINDOW = MIN_SECRET_LENGTH;
/** The multiplier of the windows' polynomial hash (mod 2^32): the FNV prime, odd and bit-spreading. */
const BASE = 0x01000193;
/** BASE^(WINDOW-1) (mod 2^32): the weight of a window's first character, taken out as the window slides. */
const FIRST_WEIGHT = Array.from({ length: WINDOW - 1 }).reduce<number>((w) => Math.imul(w, BASE), 1);
/** A bit per 2^16 hash slots, so that most windows are passed over without a Map lookup. */
const FILTER_BITS = 16;
const slot = (hash: number) => (hash ^ (hash >>> FILTER_BITS)) & ((1 << FILTER_BITS) - 1);

/** The hash of text[at, at + WINDOW) (an int32). */
function windowHash(text: string, at: number): number {
  let h = 0;
  for (let k = at; k < at + WINDOW; k++) h = (Math.imul(h, BASE) + text.charCodeAt(k)) | 0;
  return h;
}

/** A learned secret: what replaces it, and its forms (computed once). */
interface Learned {
  replacement: string;
  forms: string[];
}

/** Every form, under the hash of its first WINDOW characters, longest first; and which filter slots are taken. */
interface FormIndex {
  byWindow: Map<number, [form: string, replacement: string][]>;
  filter: Uint8Array;
}

/**
 * Learned secrets, each with its replacement. Past `maxSecrets` the one learned (or seen) longest
 * ago is forgotten, unless it was learned to be kept: what a redactor is given (the software
 * statement, its client secret) must outlive whatever a host sends to fill the bound.
 *
 * `replace` reads the text once, whatever the number of secrets: a rolling hash of each window of
 * WINDOW characters is looked up among the forms' first windows (most windows stop at a bit
 * filter), and only a form that starts with that window is compared. At each position the longest
 * form wins, and occurrences that overlap (two secrets, or two forms of one) become one replacement,
 * so that no character of any occurrence survives.
 */
export class SecretForms {
  /** Secrets learned to be kept. */
  private readonly kept = new Map<string, Learned>();
  /** The others, oldest first: what replaces each and its forms. */
  private readonly recent = new Map<string, Learned>();
  /** Rebuilt after a secret is learned, forgotten or given a new replacement: the forms as they are, and without line breaks. */
  private index: FormIndex | undefined;
  private unwrappedIndex: FormIndex | undefined;

  constructor(private readonly maxSecrets = Infinity) {}

  /**
   * Learns `secret`, to be replaced (in each of its forms) by `replacement`, and with `keep` never
   * to be forgotten; false when it is too short to learn.
   */
  learn(secret: string, replacement = REDACTED, { keep = false }: { keep?: boolean } = {}): boolean {
    if (secret.length < MIN_SECRET_LENGTH) return false;
    const had = this.kept.get(secret) ?? this.recent.get(secret);
    const learned = { replacement, forms: had?.forms ?? encodedForms(secret) };
    // The index changes only with a new secret or a new replacement.
    if (had?.replacement !== replacement) this.index = this.unwrappedIndex = undefined;
    // Seen again: it becomes the newest (and once kept, stays kept).
    this.recent.delete(secret);
    if (keep || this.kept.has(secret)) this.kept.set(secret, learned);
    else {
      this.recent.set(secret, learned);
      if (this.recent.size > this.maxSecrets) {
        this.recent.delete(this.recent.keys().next().value!);
        this.index = this.unwrappedIndex = undefined;
      }
    }
    return true;
  }

  /**
   * `text` with every occurrence of every form of every learned secret replaced. Line breaks do
   * not hide an occurrence: an echo may be wrapped (MIME base64 every 76 characters, PEM every 64),
   * with real breaks or, in raw JSON, `\n` and `\r` escapes. A text that has any is also searched
   * without them (forms too), and what is found there is replaced together with the breaks inside it.
   */
  replace(text: string): string {
    const index = (this.index ??= this.buildIndex(false));
    if (index.byWindow.size === 0 || text.length < WINDOW) return text;
    if (!hasLineBreak(text)) return splice(text, SecretForms.occurrences(text, index));
    const unwrapped = SecretForms.occurrences(text.replace(LINE_BREAKS, ''), (this.unwrappedIndex ??= this.buildIndex(true)));
    // Taking real breaks out only joins text, so the search without them finds all the search with
    // them would. Taking `\n` out can also cut into an occurrence (a form that starts with `n`
    // after a `\`, or ends with `\` before an `n`): with escapes, the text is also searched as is.
    const found = ESCAPED_BREAK.test(text) ? SecretForms.occurrences(text, index) : [];
    if (unwrapped.length === 0) return splice(text, found);
    // Each break taken out: where it was in the text without breaks, and how many characters were taken out up to it.
    const cuts: number[] = [];
    const removed: number[] = [];
    let total = 0;
    for (const m of text.matchAll(LINE_BREAKS)) {
      cuts.push(m.index - total);
      removed.push((total += m[0].length));
    }
    /** Where character `k` of the text without breaks sits in `text`. */
    const inText = (k: number) => {
      let [lo, hi] = [0, cuts.length];
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cuts[mid]! <= k) lo = mid + 1;
        else hi = mid;
      }
      return k + (lo > 0 ? removed[lo - 1]! : 0);
    };
    const mapped = unwrapped.map(({ start, end, replacement }) => ({ start: inText(start), end: inText(end - 1) + 1, replacement }));
    return splice(text, merged([...found, ...mapped]));
  }

  /**
   * Every occurrence of the index's forms in `text`, in the one read the class comment describes;
   * overlapping ones merged, keeping the first one's replacement.
   */
  private static occurrences(text: string, index: FormIndex): Occurrence[] {
    const found: Occurrence[] = [];
    if (text.length < WINDOW) return found;
    const { byWindow, filter } = index;
    /** The occurrence found last, still growing while later ones overlap it. */
    let run: Occurrence | undefined;
    const last = text.length - WINDOW;
    let h = windowHash(text, 0);
    for (let i = 0; ; i++) {
      if (filter[slot(h)]) {
        for (const [form, replacement] of byWindow.get(h) ?? []) {
          if (!text.startsWith(form, i)) continue;
          const end = i + form.length;
          if (run && i < run.end) run.end = Math.max(run.end, end);
          else {
            run = { start: i, end, replacement };
            found.push(run);
          }
          break;
        }
      }
      if (i === last) break;
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), FIRST_WEIGHT), BASE) + text.charCodeAt(i + WINDOW)) | 0;
    }
    return found;
  }

  /** The forms as they are or, `unwrapped`, without line breaks (a form left with fewer than WINDOW characters is not looked for there). */
  private buildIndex(unwrapped: boolean): FormIndex {
    // A form two secrets share goes to a kept one, or else to the one learned (or seen) last.
    const forms = new Map<string, string>();
    for (const { replacement, forms: own } of [...this.recent.values(), ...this.kept.values()]) {
      for (const form of own) {
        const key = unwrapped ? form.replace(LINE_BREAKS, '') : form;
        if (key.length >= WINDOW) forms.set(key, replacement);
      }
    }
    const byWindow = new Map<number, [string, string][]>();
    const filter = new Uint8Array(1 << FILTER_BITS);
    for (const [form, replacement] of [...forms].sort(([a], [b]) => b.length - a.length)) {
      const h = windowHash(form, 0);
      filter[slot(h)] = 1;
      const list = byWindow.get(h);
      if (list) list.push([form, replacement]);
      else byWindow.set(h, [[form, replacement]]);
    }
    return { byWindow, filter };
  }
}

/** Line breaks, real or as JSON escapes (`\n`, `\r`). */
const LINE_BREAKS = /[\r\n]|\\[rn]/g;
const ESCAPED_BREAK = /\\[rn]/;
const BREAK_OR_BACKSLASH = /[\r\n\\]/;
/** Whether `text` has a line break, real or escaped (one class test first: most texts have none). */
const hasLineBreak = (text: string) => BREAK_OR_BACKSLASH.test(text) && (text.includes('\n') || text.includes('\r') || ESCAPED_BREAK.test(text));

/** An occurrence (or overlapping occurrences, merged) of forms: text[start, end) and what replaces it. */
interface Occurrence {
  start: number;
  end: number;
  replacement: string;
}

/** Occurrences sorted by start, those that overlap merged (the first one's replacement kept). */
function merged(found: Occurrence[]): Occurrence[] {
  const out: Occurrence[] = [];
  for (const o of found.sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && o.start < last.end) last.end = Math.max(last.end, o.end);
    else out.push({ ...o });
  }
  return out;
}

/** `text` with each occurrence (disjoint, in order) replaced. */
function splice(text: string, found: Occurrence[]): string {
  if (found.length === 0) return text;
  let out = '';
  let done = 0;
  for (const { start, end, replacement } of found) {
    out += text.slice(done, start) + replacement;
    done = end;
  }
  return out + text.slice(done);
}
