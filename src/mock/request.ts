// Reads the parts of a raw HTTP request that can be malformed before any schema applies: the
// request target, percent-escapes, Content-Type, Accept and form bodies. Nothing here throws.
import { parse as parseContentType } from 'content-type';
import { decode } from '../description/routes.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Path and raw query of a request target (origin-form `/p?q` or absolute-form `http://h/p?q`). */
export function parseTarget(target: string): Parsed<{ path: string; query: string }> {
  let rest = target;
  if (/^https?:\/\//i.test(target)) {
    try {
      const url = new URL(target);
      rest = url.pathname + url.search;
    } catch {
      return { ok: false, message: 'request target is not a valid absolute URL' };
    }
  }
  if (!rest.startsWith('/')) return { ok: false, message: 'request target must start with "/"' };
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  return { ok: true, value: q < 0 ? { path: rest, query: '' } : { path: rest.slice(0, q), query: rest.slice(q + 1) } };
}

/** The query as Prism takes it: decoded names and values, repeated names as arrays (bad escapes stay literal, as URLSearchParams leaves them). */
export function parseQuery(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const seen = out[key];
    out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** The media type of a Content-Type value (RFC 9110 syntax, lower-cased), or why it cannot be read. */
export function mediaTypeOf(value: string): Parsed<string> {
  try {
    return { ok: true, value: parseContentType(value).type };
  } catch (error) {
    return { ok: false, message: `Content-Type ${JSON.stringify(value.slice(0, 80))} cannot be parsed (${(error as Error).message})` };
  }
}

/** Checks an Accept value is a list of media ranges with valid parameters and q-values (RFC 9110 §12.5.1). */
export function checkAccept(value: string): Parsed<{ type: string; q: number }[]> {
  const ranges = value.split(',').map((r) => r.trim()).filter((r) => r !== '');
  if (ranges.length === 0) return { ok: false, message: 'Accept lists no media range' };
  const types: { type: string; q: number }[] = [];
  for (const range of ranges) {
    let parsed;
    try {
      parsed = parseContentType(range);
    } catch (error) {
      return { ok: false, message: `Accept media range ${JSON.stringify(range.slice(0, 80))} cannot be parsed (${(error as Error).message})` };
    }
    const q = parsed.parameters.q;
    if (q !== undefined && !/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(q)) return { ok: false, message: `Accept q-value ${JSON.stringify(q)} is not a number from 0 to 1` };
    types.push({ type: parsed.type, q: q === undefined ? 1 : Number(q) });
  }
  return { ok: true, value: types };
}

/**
 * Checks every name and value of an `application/x-www-form-urlencoded` body is valid percent-encoded
 * UTF-8. The message names the field, never its value: form values carry client secrets.
 */
export function checkForm(text: string): Parsed<string> {
  for (const pair of text.split('&')) {
    if (decode(pair.replace(/\+/g, ' ')) === undefined) {
      const name = pair.split('=')[0]!;
      const shown = decode(name.replace(/\+/g, ' ')) ?? '(undecodable name)';
      return { ok: false, message: `form field ${JSON.stringify(shown.slice(0, 40))} is not valid percent-encoding` };
    }
  }
  return { ok: true, value: text };
}

/** One header value as a string (Node gives arrays only for a few repeated headers). */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
