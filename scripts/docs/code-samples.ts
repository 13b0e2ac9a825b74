// Turns an operation's `x-request-examples` into Redoc `x-codeSamples`: one raw HTTP request each.
import { toForm } from 'pass-contract-client';
import { listOperations, type Json, type JsonObject, type OpenApiDocument, type Operation, type RequestExample } from '../../src/description/document.ts';

export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

/** Fills `{name}` path templates; values are percent-encoded as a client would send them. */
export function fillPath(template: string, values: Record<string, string> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
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
  // The same encoding the client sends (arrays repeat their key).
  if (mediaType === 'application/x-www-form-urlencoded') return toForm((value ?? {}) as JsonObject);
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

/**
 * Redoc 3 shows an x-codeSample only when it matches one of the configured code-sample
 * "languages", and it matches by label (lower-cased): one entry of the request panel's dropdown
 * per label, the first sample with that label wins. So every sample label becomes a language here
 * (a label shared by two operations once), in the description's order, followed by Redoc's own
 * Payload entry for the request body examples — last, so that an operation opens on its first
 * documented request rather than on a bare body.
 */
export function codeSampleLanguages(doc: OpenApiDocument): { lang: string; label: string }[] {
  const labels = new Map<string, string>();
  for (const op of listOperations(doc)) {
    const samples = (op.node['x-codeSamples'] as unknown as CodeSample[] | undefined) ?? [];
    const own = new Set<string>();
    for (const sample of samples) {
      const key = sample.label.toLowerCase();
      if (own.has(key)) throw new Error(`${op.operationId}: two request samples share the label "${sample.label}"; Redoc would show only one`);
      own.add(key);
      if (!labels.has(key)) labels.set(key, sample.label);
    }
  }
  return [...[...labels.values()].map((label) => ({ lang: 'HTTP', label })), { lang: 'payload', label: 'Payload' }];
}
