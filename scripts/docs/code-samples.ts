// Turns an operation's `x-request-examples` into Redoc `x-codeSamples`: one raw HTTP request each.
import type { Json, JsonObject, Operation, RequestExample } from '../../src/description/document.ts';

export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

/** Fills `{name}` path templates; values are percent-encoded as a client would send them. */
export function fillPath(template: string, values: Record<string, string> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for path parameter "${name}" in ${template}`);
    return encodeURIComponent(value);
  });
}

/** RFC 3986 query string (`%20`, not `+`), in the sample's order. */
export function encodeQuery(query: Record<string, string> = {}): string {
  const pairs = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}

/** The body as it travels on the wire for the media types the description uses. */
export function encodeBody(mediaType: string, value: Json): string {
  if (mediaType === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries((value ?? {}) as JsonObject)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    return form.toString();
  }
  if (mediaType.endsWith('json')) return JSON.stringify(value, null, 2);
  if (typeof value === 'string') return value;
  throw new Error(`Cannot write a ${mediaType} body as text`);
}

/** One raw HTTP/1.1 request, readable and copy-pasteable (e.g. into an .http file). */
export function rawRequest(op: Operation, example: RequestExample, body: Json | undefined, host: string): string {
  const target = `${fillPath(op.path, example.path)}${encodeQuery(example.query)}`;
  const headers: [string, string][] = [['Host', host], ...Object.entries(example.headers ?? {})];
  const lines = [`${op.method.toUpperCase()} ${target} HTTP/1.1`, ...headers.map(([k, v]) => `${k}: ${v}`)];
  if (body === undefined || !op.requestBody) return lines.join('\n');
  const { mediaType } = op.requestBody;
  // The samples carry Content-Type; one that does not still gets the body's media type.
  if (!headers.some(([k]) => k.toLowerCase() === 'content-type')) lines.push(`Content-Type: ${mediaType}`);
  return [...lines, '', encodeBody(mediaType, body)].join('\n');
}

/** Every documented request sample of the operation, in the description's order. */
export function codeSamples(op: Operation, host: string): CodeSample[] {
  return Object.entries(op.requestExamples).map(([name, example]) => ({
    lang: 'HTTP',
    label: example.summary || name,
    source: rawRequest(op, example, op.requestBody?.examples[name], host),
  }));
}
