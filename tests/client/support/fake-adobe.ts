// A stand-in for Adobe Pass on loopback (node:http, 127.0.0.1, port 0) that behaves like Adobe —
// DCR registrations and tokens it checks, bearer tokens it requires, enhanced errors — and that a
// test can make misbehave per operation: hang, drip a body, answer 429 with Retry-After, 5xx HTML,
// a 302 to an MVPD's HTML page, echo secrets back, close the connection.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from '../../../packages/client/src/clock.ts';
import { readBody } from '../../../src/http/body.ts';
import { SimClock } from './sim-clock.ts';
import type { ThrottleModel } from './throttle-models.ts';

/** Larger request bodies get 413 (1 MiB, nginx's default): the fake buffers no more than that. */
const MAX_BODY_BYTES = 1024 * 1024;

export const STATEMENT = 'eyJhbGciOiJSUzI1NiJ9.CANARY-software-statement.c2lnbmF0dXJl';
export const SECRET_PREFIX = 'CANARY-client-secret';

export type Operation =
  | 'register' | 'token' | 'configuration' | 'sessions' | 'authenticate' | 'profiles' | 'profileForCode'
  | 'preauthorize' | 'authorize' | 'logout' | 'mvpdLogin';

const ROUTES: [string, RegExp, Operation][] = [
  ['POST', /^\/o\/client\/register$/, 'register'],
  ['POST', /^\/o\/client\/token$/, 'token'],
  ['GET', /^\/api\/v2\/[^/]+\/configuration$/, 'configuration'],
  ['POST', /^\/api\/v2\/[^/]+\/sessions$/, 'sessions'],
  ['GET', /^\/api\/v2\/authenticate\/[^/]+\/[^/]+$/, 'authenticate'],
  ['GET', /^\/api\/v2\/[^/]+\/profiles$/, 'profiles'],
  ['GET', /^\/api\/v2\/[^/]+\/profiles\/code\/[^/]+$/, 'profileForCode'],
  ['POST', /^\/api\/v2\/[^/]+\/decisions\/preauthorize\/[^/]+$/, 'preauthorize'],
  ['POST', /^\/api\/v2\/[^/]+\/decisions\/authorize\/[^/]+$/, 'authorize'],
  ['GET', /^\/api\/v2\/[^/]+\/logout\/[^/]+$/, 'logout'],
  ['GET', /^\/mvpd\/login$/, 'mvpdLogin'],
];

export interface Hit {
  op: Operation;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The clock's time when the request arrived. */
  at: number;
  /** The client gave up (closed the connection) before the answer was complete. */
  aborted: boolean;
  /** The status the host answered with (undefined while hanging or after a destroyed connection). */
  status?: number;
}

export type Reply =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; html: string; headers?: Record<string, string> }
  | { status?: number; text: string; contentType?: string; headers?: Record<string, string> }
  /** Sent as is, with exactly these headers (e.g. a gzip body with its Content-Encoding). */
  | { status?: number; bytes: Uint8Array; headers: Record<string, string> }
  | { hang: true }
  | { dripBody: string; everyMs: number; status?: number }
  | { destroy: true };

/** Return a Reply to override the default answer; undefined keeps the default. */
export type Override = (hit: Hit, n: number) => Reply | undefined | Promise<Reply | undefined>;

export const enhanced = (status: number, code: string, action: string, extra: Record<string, unknown> = {}): Reply => ({
  status,
  json: { action, status, code, message: `Adobe says ${code}`, helpUrl: 'https://experienceleague.adobe.com/', trace: '12f6fef9-d2e0-422b-a9d7-60d799abe353', ...extra },
});

export interface FakeAdobeOptions {
  /** The host's time (default: a new SimClock, which clients of this host should share). */
  clock?: Clock;
  overrides?: Partial<Record<Operation, Override>>;
  tokenLifetimeS?: number;
  /** Refuse a token once its lifetime has passed on the host's clock, as an unknown one is refused. Default: tokens never expire. */
  expireTokens?: boolean;
  /** Lifetime of a media token and authorization decision (ms). */
  decisionTtlMs?: number;
  /**
   * Adobe's throttle in front of every endpoint, keyed by X-Forwarded-For, else AP-Device-Identifier,
   * else the client's address. Each arrival is delayed by up to `jitterMs` (network variation) before
   * the model sees it.
   */
  throttle?: { model: ThrottleModel; jitterMs?: number; random?: () => number };
}

export async function startFakeAdobe(o: FakeAdobeOptions = {}) {
  const clock = o.clock ?? new SimClock();
  const now = () => clock.now();
  const hits: Hit[] = [];
  const counts = new Map<Operation, number>();
  const clients = new Map<string, string>(); // live client id → secret
  const tokens = new Map<string, string>(); // live token → client id
  const issuedAt = new Map<string, number>(); // token → when the host issued it
  let registrations = 0;
  let issued = 0;
  const sockets = new Set<Socket>();
  let baseUrl = '';

  const send = (res: ServerResponse, reply: Reply, hit?: Hit): Promise<void> | void => {
    if ('hang' in reply) return;
    if (hit && !('destroy' in reply)) hit.status = reply.status ?? 200;
    if ('destroy' in reply) {
      res.socket?.destroy();
      return;
    }
    if ('dripBody' in reply) {
      res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json' });
      return (async () => {
        for (const ch of reply.dripBody) {
          if (res.destroyed) return;
          res.write(ch);
          await new Promise((r) => setTimeout(r, reply.everyMs));
        }
        res.end();
      })();
    }
    if ('bytes' in reply) {
      res.writeHead(reply.status ?? 200, reply.headers);
      res.end(reply.bytes);
      return;
    }
    const [type, body] = 'json' in reply ? ['application/json;charset=UTF-8', JSON.stringify(reply.json)] : 'html' in reply ? ['text/html', reply.html] : [reply.contentType ?? 'text/plain', reply.text];
    res.writeHead(reply.status ?? 200, { 'Content-Type': type, ...reply.headers });
    res.end(body);
  };

  const defaults = (hit: Hit): Reply => {
    const form = new URLSearchParams(hit.body);
    switch (hit.op) {
      case 'register': {
        if (JSON.parse(hit.body || '{}').software_statement !== STATEMENT) return { status: 400, json: { error: 'invalid_software_statement' } };
        const id = `client-${++registrations}`;
        clients.set(id, `${SECRET_PREFIX}-${registrations}-Xq9`);
        return { status: 201, json: { client_id: id, client_secret: clients.get(id), client_id_issued_at: 1, redirect_uris: [], grant_types: ['client_credentials'], scopes: ['api:client:v2'] } };
      }
      case 'token': {
        const id = form.get('client_id') ?? '';
        if (!clients.has(id) || clients.get(id) !== form.get('client_secret')) return { status: 400, json: { error: 'invalid_client' } };
        const token = `CANARY-token-${++issued}-${id}`;
        tokens.set(token, id);
        issuedAt.set(token, now());
        return { status: 201, json: { id: `t${issued}`, access_token: token, created_at: now(), expires_in: o.tokenLifetimeS ?? 3600, token_type: 'bearer' } };
      }
      case 'authenticate':
        return { status: 302, html: '<html>moved</html>', headers: { Location: '/mvpd/login?session=xyz' } };
      case 'mvpdLogin':
        return { status: 200, html: '<html><body>Sign in to your TV provider</body></html>' };
      default:
        break;
    }
    const bearer = (hit.headers.authorization ?? '').replace(/^Bearer /, '');
    const owner = tokens.get(bearer);
    const expired = o.expireTokens && now() - issuedAt.get(bearer)! >= (o.tokenLifetimeS ?? 3600) * 1000;
    if (!owner || !clients.has(owner) || expired) return enhanced(401, 'invalid_access_token_client_application', 'application-registration');
    switch (hit.op) {
      case 'configuration':
        return { json: { requestor: { id: 'REF30', mvpds: [{ id: 'Cablevision', displayName: 'Optimum' }] } } };
      case 'sessions':
        return { json: { actionName: 'authenticate', actionType: 'interactive', reasonType: 'none', url: '/api/v2/authenticate/REF30/8ER640M', code: '8ER640M', sessionId: 's1', mvpd: 'Cablevision', serviceProvider: 'REF30', notBefore: String(now()), notAfter: String(now() + 1_800_000) } };
      case 'profiles':
      case 'profileForCode':
        return { json: { profiles: {} } };
      case 'preauthorize':
      case 'authorize': {
        const { resources } = JSON.parse(hit.body) as { resources: string[] };
        const t = now();
        const ttl = o.decisionTtlMs ?? 600_000;
        return {
          json: {
            decisions: resources.map((resource) => ({
              resource, serviceProvider: 'REF30', mvpd: 'Cablevision', source: 'mvpd', authorized: true,
              ...(hit.op === 'authorize' ? { notBefore: t, notAfter: t + 2 * ttl, token: { issuedAt: t, notBefore: t, notAfter: t + ttl, serializedToken: `media-${resource}-${t}` } } : {}),
            })),
          },
        };
      }
      case 'logout':
        return { json: { logouts: { Cablevision: { actionName: 'complete', actionType: 'none', mvpd: 'Cablevision' } } } };
      default:
        return { status: 404, text: 'not found' };
    }
  };

  const server = createServer((req, res) => {
    // A client that goes away mid-body gets no answer.
    readBody(req, MAX_BODY_BYTES).then(async ({ bytes, tooLarge }) => {
      if (tooLarge) {
        req.resume();
        res.writeHead(413, { Connection: 'close' }).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const route = ROUTES.find(([m, re]) => m === req.method && re.test(url.pathname));
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      const hit: Hit = { op: route[2], method: req.method!, path: url.pathname, headers: req.headers, body: bytes.toString('utf8'), at: now(), aborted: false };
      hits.push(hit);
      res.on('close', () => {
        if (!res.writableFinished) hit.aborted = true;
      });
      if (o.throttle) {
        const key = String(req.headers['x-forwarded-for'] ?? req.headers['ap-device-identifier'] ?? req.socket.remoteAddress);
        const arrival = hit.at + (o.throttle.jitterMs ?? 0) * (o.throttle.random ?? Math.random)();
        if (!o.throttle.model.admit(key, arrival)) {
          await send(res, { status: 429, html: '<html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center></body></html>' }, hit);
          return;
        }
      }
      const n = (counts.get(hit.op) ?? 0) + 1;
      counts.set(hit.op, n);
      const reply = (await o.overrides?.[hit.op]?.(hit, n)) ?? defaults(hit);
      await send(res, reply, hit);
    }, () => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    clock,
    hits,
    count: (op: Operation) => hits.filter((h) => h.op === op).length,
    registrations: () => registrations,
    tokensIssued: () => issued,
    /** Every client registered so far stops being valid (and its tokens): the next call must register again. */
    revokeRegistrations: () => clients.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export type FakeAdobe = Awaited<ReturnType<typeof startFakeAdobe>>;
