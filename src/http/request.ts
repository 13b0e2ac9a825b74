// Reads the parts of a raw HTTP request that any server of ours (mock, simulator) checks before a
// schema applies: percent-escapes, Content-Type, form bodies, header values. Nothing here throws.
import { parse as parseContentType } from 'content-type';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** decodeURIComponent without the URIError: undefined for text that is not percent-encoded UTF-8. */
export function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The media type of a Content-Type value (RFC 9110 syntax, lower-cased), or why it cannot be read. */
export function mediaTypeOf(value: string): Parsed<string> {
  try {
    return { ok: true, value: parseContentType(value).type };
  } catch (error) {
    return { ok: false, message: `Content-Type ${JSON.stringify(value.slice(0, 80))} cannot be parsed (${(error as Error).message})` };
  }
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
