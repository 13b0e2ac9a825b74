// Parameters and headers: send only what the API reference documents (taken from the loaded description).
import { deref, type JsonObject, type Operation } from '../../description/document.ts';
import type { Description } from '../../description/index.ts';
import { PAGES, perDevice, type Rule, plural } from '../rule.ts';
import { append } from '../../report/group.ts';
import type { Exchange } from '../traffic.ts';

/**
 * Headers that belong to HTTP, browsers, proxies and tracing rather than to the API (RFC 9110/9111,
 * the Fetch standard's forbidden and CORS headers, de-facto proxy headers, W3C Trace Context).
 * X-Forwarded-For is among them: the DCR pages do not list it, but the throttling page asks servers
 * to forward it on every throttled endpoint, /o/client/* included.
 */
const TRANSPORT_HEADERS = new Set([
  'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'cache-control', 'connection', 'content-encoding',
  'content-length', 'content-type', 'cookie', 'dnt', 'expect', 'forwarded', 'host', 'if-match', 'if-modified-since',
  'if-none-match', 'keep-alive', 'origin', 'pragma', 'priority', 'range', 'referer', 'te', 'trailer', 'transfer-encoding',
  'upgrade', 'upgrade-insecure-requests', 'user-agent', 'via', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto',
  'traceparent', 'tracestate',
]);
const isTransport = (name: string) => TRANSPORT_HEADERS.has(name) || name.startsWith('sec-') || name.startsWith('proxy-');

interface Allowed { query: Set<string>; headers: Set<string>; body?: Set<string> }

/** Property names of the request body schema (following $ref and allOf), or undefined when it does not list them. */
function bodyProperties(description: Description, op: Operation): Set<string> | undefined {
  if (!op.requestBody) return undefined;
  const doc = description.doc;
  const names = new Set<string>();
  let listed = false;
  const visit = (node: unknown, pointer: string, depth: number) => {
    if (depth > 10) return;
    const { node: schema, pointer: at } = deref<JsonObject>(doc, node as JsonObject, pointer);
    if (schema.properties && typeof schema.properties === 'object') {
      listed = true;
      for (const name of Object.keys(schema.properties)) names.add(name);
    }
    for (const [i, sub] of ((schema.allOf as JsonObject[] | undefined) ?? []).entries()) visit(sub, `${at}/allOf/${i}`, depth + 1);
  };
  const pointer = op.requestBody.schemaPointer;
  visit({ $ref: pointer }, pointer, 0);
  return listed ? names : undefined;
}

function allowedFor(description: Description, op: Operation): Allowed {
  const headers = new Set(op.parameters.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase()));
  if (op.needsAccessToken) headers.add('authorization');
  const body = bodyProperties(description, op);
  return { query: new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name)), headers, ...(body ? { body } : {}) };
}

export const documentedOnly: Rule = {
  id: 'parameters.documented-only',
  level: 'MUST',
  title: 'Send only documented endpoints, parameters and headers',
  sources: [
    { page: PAGES.aiRules, section: '7. Parameters and Headers Requirements › API Compliance', words: 'Send only the parameters and headers REST API v2 expects; follow the API reference exactly.' },
    { page: PAGES.checklist, section: 'Recommended practices › 7. Parameters and Headers › Reuse Code', words: 'When reusing REST API v1 code, make sure only REST API v2 parameters and headers are sent.' },
  ],
  how: 'Each request is matched to its operation in the loaded description; query parameters, headers and top-level body fields it does not document are findings, and so is a path under /api/v2 or /o/client that no operation describes. Headers of HTTP itself (Host, Accept, Content-Type, User-Agent, Sec-*, Trace Context, …) and those given with --allow-header are accepted.',
  fix: 'Remove the listed parameters and headers (often REST API v1 leftovers such as deviceId, requestor or AP-SDK-Identifier); call only the documented endpoints.',
  check(traffic, { description, options, label }) {
    const allowed = new Map(description.operations.map((op) => [op.operationId, allowedFor(description, op)]));
    const extra = new Set(options.allowHeaders.map((h) => h.toLowerCase()));
    return perDevice(traffic, (device, found) => {
      // problem text -> requests showing it
      const problems = new Map<string, Exchange[]>();
      const note = (problem: string, x: Exchange) => append(problems, problem, x);
      for (const x of device.exchanges) {
        const a = x.operationId ? allowed.get(x.operationId) : undefined;
        if (!a) {
          const methods = description.router.allowed(x.path);
          note(methods.length ? `${x.method} is not documented for ${x.path} (documented: ${methods.join(', ')})` : `undocumented endpoint ${x.method} ${x.path}`, x);
          continue;
        }
        for (const [name] of x.query ?? []) if (!a.query.has(name)) note(`${x.operationId}: undocumented query parameter \`${name}\``, x);
        for (const name of x.headerNames) if (!a.headers.has(name) && !isTransport(name) && !extra.has(name)) note(`${x.operationId}: undocumented header \`${name}\``, x);
        if (a.body && x.bodyFields) for (const name of x.bodyFields) if (!a.body.has(name)) note(`${x.operationId}: undocumented body field \`${name}\``, x);
      }
      for (const [problem, xs] of problems) found(xs, `${problem} in ${plural(xs.length, 'request')} (first ${label(xs[0]!)})`);
      return device.exchanges.length;
    });
  },
};
