// A loopback stand-in for Adobe Pass built from the description, for testing the check against a
// realistic adversary: its own DCR (issues fresh client credentials and long access tokens, and
// accepts only those), request validation with Adobe's error codes, throttling enforced under both
// readings of Adobe's page on an injectable clock, and per-operation injected drift or faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../../packages/client/src/clock.ts';
import { deref, requiredHeaders, type Json, type JsonObject, type Operation } from '../../../src/description/document.ts';
import { loadDescription, type Description } from '../../../src/description/index.ts';
import { readBody } from '../../../src/http/body.ts';
import { accessToken, fresh, inputError, oauthError, registration, successAnswer, throttled, type Answer } from './answers.ts';
import { Throttle, type ThrottleOptions } from './throttle.ts';

export type { Answer } from './answers.ts';

export interface Received {
  operationId: string;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

/** Larger request bodies get 413, as a front end in front of Adobe's API would answer (1 MiB is nginx's default). */
const MAX_BODY_BYTES = 1024 * 1024;

/** Faults a host can have; each keeps its connection bounded by the server's close(). */
export type Fault =
  | 'hang' // accepts the request, never answers
  | 'slow-body' // answers 200 with headers, then one byte per second, forever
  | 'huge-body' // a 20 MB JSON body
  | 'reset' // destroys the connection
  | { redirect: string; status?: number } // 3xx to another origin (with the request replayed there by a client that follows)
  | { status: number; body?: Json | string; headers?: Record<string, string> };

/** Changes the answer the host would give (a drift), or replaces it with a fault. */
export type Injection = { drift: (answer: Answer, request: Received) => Answer } | { fault: Fault };

export interface FakeAdobeOptions {
  description?: Description;
  /** Shared with the check's pacer so that both see the same time. */
  clock?: Clock;
  /** Throttling; default both readings at Adobe's rate (1/s, burst 10). `false` turns it off. */
  throttle?: ThrottleOptions | false;
  /** Per operationId, or '*' for every operation. */
  inject?: Record<string, Injection>;
  /** The software statement registration accepts (anything else: 400 invalid_software_statement). */
  softwareStatement?: string;
  /** Lifetime the token endpoint announces (seconds). */
  expiresIn?: number;
  /** Echo every request's headers and body back in a JSON field `echo` (a host that leaks what it got). */
  echo?: boolean;
}

export interface FakeAdobe {
  baseUrl: string;
  received: Received[];
  count(operationId: string): number;
  /** 429 answers given. */
  readonly throttledCount: number;
  throttle: Throttle | undefined;
  /** Everything the host issued: client ids, client secrets, access tokens. */
  issued: string[];
  close(): Promise<void>;
}

function deviceKey(req: IncomingMessage): string {
  const xff = req.headers['x-forwarded-for'];
  return (Array.isArray(xff) ? xff[0] : xff) ?? req.socket.remoteAddress ?? '?';
}

function formOrJson(body: string, contentType: string | undefined): Record<string, unknown> | undefined {
  try {
    if (/json/i.test(contentType ?? '')) {
      const v = JSON.parse(body) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    }
    return Object.fromEntries(new URLSearchParams(body));
  } catch {
    return undefined;
  }
}

export async function startFakeAdobe(o: FakeAdobeOptions = {}): Promise<FakeAdobe> {
  const description = o.description ?? loadDescription();
  const { doc, router } = description;
  const clock = o.clock ?? systemClock;
  const throttle = o.throttle === false ? undefined : new Throttle(o.throttle ?? { readings: ['bucket', 'window'] }, clock);
  const softwareStatement = o.softwareStatement ?? 'eyJhbGciOiJSUzI1NiJ9.fake-adobe-statement.c2ln';
  const clients = new Map<string, string>();
  const tokens = new Set<string>();
  const issued: string[] = [];
  const received: Received[] = [];
  const counts = new Map<string, number>();
  let throttledCount = 0;
  const timers = new Set<NodeJS.Timeout>();

  /** Adobe's answer to a request it accepts or rejects on its inputs. */
  const answer = (op: Operation, r: Received, url: URL): Answer => {
    const header = (name: string) => r.headers[name.toLowerCase()] as string | undefined;
    const fields = formOrJson(r.body, header('content-type'));
    if (op.path === '/o/client/register') {
      if (!header('X-Device-Info')) return oauthError('invalid_request');
      if (typeof fields?.software_statement !== 'string') return oauthError('invalid_request');
      if (fields.software_statement !== softwareStatement) return oauthError('invalid_software_statement');
      const id = fresh('cid-', 12);
      const secret = fresh('csecret-', 48);
      clients.set(id, secret);
      issued.push(id, secret);
      return registration(id, secret);
    }
    if (op.path === '/o/client/token') {
      if (!header('X-Device-Info')) return oauthError('invalid_request');
      if (!fields?.client_id || !fields.client_secret || !fields.grant_type) return oauthError('invalid_request');
      if (clients.get(String(fields.client_id)) !== fields.client_secret) return oauthError('invalid_client');
      const token = fresh('tok', 240); // long: a report that truncates before redacting would leak a prefix
      tokens.add(token);
      issued.push(token);
      return accessToken(token, o.expiresIn);
    }
    // REST API V2: bearer token first, then required headers, query and body fields.
    for (const name of requiredHeaders(op)) {
      const value = header(name);
      if (name === 'Authorization') {
        if (!value || !tokens.has(value.replace(/^Bearer\s+/i, ''))) return inputError(doc, op, String((doc.components.securitySchemes as JsonObject as Record<string, JsonObject>).accessToken!['x-error-code']), 401);
        continue;
      }
      if (name === 'Content-Type') continue;
      const param = op.parameters.find((p) => p.name === name) as unknown as JsonObject | undefined;
      if (!value) return inputError(doc, op, param?.['x-error-code'] as string | undefined);
    }
    for (const p of op.parameters.filter((x) => x.in === 'query' && x.required)) {
      if (!url.searchParams.get(p.name)) return inputError(doc, op, (p as unknown as JsonObject)['x-error-code'] as string | undefined);
    }
    if (op.requestBody?.required) {
      const schema = deref<JsonObject>(doc, { $ref: op.requestBody.schemaPointer }, op.requestBody.schemaPointer).node;
      for (const field of (schema.required as string[] | undefined) ?? []) {
        if (fields?.[field] === undefined || fields[field] === '') {
          const property = ((schema.properties as JsonObject | undefined)?.[field] ?? {}) as JsonObject;
          return inputError(doc, op, (property['x-error-code'] ?? schema['x-error-code']) as string | undefined);
        }
      }
    }
    return successAnswer(op);
  };

  const send = (res: ServerResponse, a: Answer) => {
    const text = a.body === undefined || typeof a.body === 'string' || a.body instanceof Uint8Array ? a.body : JSON.stringify(a.body);
    res.writeHead(a.status, a.headers).end(text);
  };

  const fault = (res: ServerResponse, f: Fault) => {
    if (f === 'hang') return; // the socket stays open until close()
    if (f === 'reset') return void res.socket?.destroy();
    if (f === 'slow-body') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{');
      const timer = setInterval(() => res.write(' '), 1000);
      timers.add(timer);
      res.once('close', () => clearInterval(timer));
      return;
    }
    if (f === 'huge-body') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 20 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('{}');
      };
      res.once('close', () => (sent = Infinity));
      return pump();
    }
    if ('redirect' in f) return void res.writeHead(f.status ?? 307, { Location: f.redirect }).end();
    send(res, { status: f.status, headers: f.headers ?? (typeof f.body === 'string' ? { 'Content-Type': 'text/html' } : { 'Content-Type': 'application/json' }), ...(f.body !== undefined ? { body: f.body } : {}) });
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-adobe.invalid');
    const method = req.method ?? 'GET';
    // A client that goes away mid-body gets no answer.
    const read = await readBody(req, MAX_BODY_BYTES).catch(() => undefined);
    if (!read) return void res.destroy();
    if (read.tooLarge) {
      req.resume();
      return void res.writeHead(413, { 'Content-Type': 'text/html', Connection: 'close' }).end('<html><head><title>413 Request Entity Too Large</title></head></html>');
    }
    const body = read.bytes.toString('utf8');
    const match = router.match(method, url.pathname);
    const record = (operationId: string): Received => {
      const r = { operationId, method, path: url.pathname + url.search, headers: req.headers, body, at: clock.now() };
      received.push(r);
      counts.set(operationId, (counts.get(operationId) ?? 0) + 1);
      return r;
    };
    if (throttle && !throttle.admit(deviceKey(req))) {
      record(match?.op.operationId ?? '(throttled)');
      throttledCount++;
      return send(res, throttled());
    }
    if (!match) {
      const allowed = router.allowed(url.pathname);
      if (allowed.length > 0) {
        record('(wrong method)');
        return void res.writeHead(405, { Allow: allowed.join(', ') }).end();
      }
      const empty = router.emptyParameter(method, url.pathname);
      if (empty) {
        record(empty.op.operationId);
        const param = empty.op.parameters.find((p) => p.name === empty.param) as unknown as JsonObject | undefined;
        return send(res, inputError(doc, empty.op, param?.['x-error-code'] as string | undefined));
      }
      record('(unknown)');
      return void res.writeHead(404).end();
    }
    const r = record(match.op.operationId);
    const injection = o.inject?.[match.op.operationId] ?? o.inject?.['*'];
    if (injection && 'fault' in injection) return fault(res, injection.fault);
    let a = answer(match.op, r, url);
    if (injection && 'drift' in injection) a = injection.drift(a, r);
    if (o.echo && a.body !== undefined && typeof a.body === 'object' && a.body !== null && !Array.isArray(a.body) && !(a.body instanceof Uint8Array)) {
      a = { ...a, body: { ...a.body, echo: JSON.stringify({ headers: req.headers, body }) } };
    }
    if (o.echo) a = { ...a, headers: { ...a.headers, 'AP-Echo': String(req.headers.authorization ?? body).slice(0, 4000) } };
    send(res, a);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    count: (operationId) => counts.get(operationId) ?? 0,
    get throttledCount() {
      return throttledCount;
    },
    throttle,
    issued,
    close: async () => {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
