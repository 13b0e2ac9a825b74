// Reads the parts of a raw HTTP request only the mock checks before any schema applies: the request
// target, the query as Prism takes it, Accept. Nothing here throws. (Content-Type, form bodies and
// percent-escapes, which the simulator checks too, are in src/http/request.ts.)
import { parse as parseContentType } from 'content-type';
import type { Parsed } from '../http/request.ts';

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
