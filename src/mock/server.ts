// The mock: Prism routes, validates and picks examples; errors come back in the description's own shape.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IHttpConfig, IHttpRequest } from '@stoplight/prism-http';
import { loadDescription, type Description } from '../description/index.ts';
import { readBodyText } from '../http/body.ts';
import { loadPrism, prismOperations } from '../prism/index.ts';
import { ViolationMapper } from './violations.ts';

export interface MockOptions {
  host?: string;
  /** 0 picks a free port. Default 4010. */
  port?: number;
  /** The loaded description (default: the bundled one, loaded here). */
  description?: Description;
  /** Prism's own log level ('silent' by default: one line per request is noise in CI). */
  logLevel?: 'silent' | 'error' | 'info';
  /** Called once per request with what was answered (for tests and `--verbose`). */
  onRequest?: (entry: { method: string; path: string; status: number; violation?: string }) => void;
}

export interface RunningMock {
  url: string;
  close(): Promise<void>;
}

const BASE_CONFIG: IHttpConfig = {
  mock: { dynamic: false },
  checkSecurity: true,
  validateRequest: true,
  // Examples are validated by the description tests; re-validating every reply only costs time.
  validateResponse: false,
  errors: false,
  upstreamProxy: undefined,
  isProxy: false,
};

async function readBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBodyText(req);
  // A zero-length body with a Content-Type is an empty form, not a missing body.
  if (text === undefined) return req.headers['content-type'] ? '' : undefined;
  if (!/\bjson\b/i.test(req.headers['content-type'] ?? '')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text; // Prism then reports the body as invalid for the operation.
  }
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: unknown): void {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, headers).end(payload);
}

export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const description = options.description ?? loadDescription();
  const { doc, router } = description;
  const mapper = new ViolationMapper(doc, description.validator);
  const { http, core, config } = loadPrism();
  const operations = await prismOperations(description);
  const prism = http.createInstance(BASE_CONFIG, { logger: core.createLogger('pass-mock', { level: options.logLevel ?? 'silent' }) });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://mock.invalid');
    const method = (req.method ?? 'GET').toLowerCase();
    const log = (status: number, violation?: string) => options.onRequest?.({ method: method.toUpperCase(), path: url.pathname, status, ...(violation ? { violation } : {}) });
    const input: IHttpRequest = {
      method: method as IHttpRequest['method'],
      url: { path: url.pathname, query: Object.fromEntries([...url.searchParams.keys()].map((k) => [k, url.searchParams.getAll(k).length > 1 ? url.searchParams.getAll(k) : url.searchParams.get(k)!])) },
      headers: req.headers as Record<string, string>,
      body: await readBody(req),
    };
    const match = router.match(method, url.pathname);
    if (!match) {
      const allowed = router.allowed(url.pathname);
      if (allowed.length > 0) {
        send(res, 405, { Allow: allowed.join(', ') });
        return log(405);
      }
      const near = router.emptyParameter(method, url.pathname);
      if (near) {
        const reply = mapper.emptyPathParameter(near.op, near.param);
        send(res, reply.status, { 'Content-Type': 'application/json;charset=UTF-8', 'X-Pass-Mock-Violation': reply.violation }, reply.body);
        return log(reply.status, reply.violation);
      }
      send(res, 404, {});
      return log(404);
    }

    const preferences = config.getHttpConfigFromRequest(input);
    if (preferences._tag === 'Left') {
      send(res, 400, { 'Content-Type': 'application/problem+json' }, { title: 'Invalid Prefer header', detail: preferences.left.detail });
      return log(400);
    }
    const result = await prism.request(input, operations, { ...BASE_CONFIG, mock: { ...BASE_CONFIG.mock, ...preferences.right } })();
    if (result._tag === 'Left') {
      // Mock usage errors (e.g. Prefer: example=<unknown>) keep Prism's problem+json.
      const e = result.left as { status?: number; detail?: string; message: string; name: string };
      send(res, e.status ?? 500, { 'Content-Type': 'application/problem+json' }, { type: e.name, title: e.message, detail: e.detail ?? '' });
      return log(e.status ?? 500);
    }
    const reply = mapper.reply(match.op, result.right.validations.input as never);
    if (reply) {
      const headers: Record<string, string> = { 'X-Pass-Mock-Violation': reply.violation.replace(/[^\x20-\x7e]/g, '?') };
      if (reply.body) headers['Content-Type'] = 'application/json;charset=UTF-8';
      send(res, reply.status, headers, reply.body);
      return log(reply.status, reply.violation);
    }
    const { statusCode, headers = {}, body } = result.right.output;
    const out = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)]));
    send(res, statusCode, out, body);
    log(statusCode);
  };

  const server: Server = createHttpServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) send(res, 500, { 'Content-Type': 'text/plain' }, `mock failure: ${error.message}`);
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
