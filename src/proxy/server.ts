// Proxy mode: Prism forwards real traffic to an upstream Adobe host; we check each response and report drift.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IHttpConfig, IHttpRequest } from '@stoplight/prism-http';
import { loadDescription, type Description } from '../description/index.ts';
import { loadPrism, prismOperations } from '../prism/index.ts';
import { ResponseChecker } from '../contract/check-response.ts';
import { writeReports, type RunReport } from '../contract/report.ts';
import type { CaseResult } from '../contract/run.ts';
import { readBodyText } from '../http/body.ts';

export interface ProxyOptions {
  upstream: string;
  host?: string;
  port?: number;
  reportDir?: string;
  /** The loaded description (default: the bundled one, loaded here). */
  description?: Description;
  /** Values to redact from reports (tokens seen in traffic are redacted by key anyway). */
  secrets?: string[];
  onRecord?: (result: CaseResult) => void;
}

export interface RunningProxy {
  url: string;
  results: CaseResult[];
  /** Writes the report now; returns the file paths. */
  flush(): Promise<string[]>;
  close(): Promise<void>;
}

// Headers that describe the upstream's encoding of a body we re-serialise.
const DROPPED = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive']);

export async function startProxy(o: ProxyOptions): Promise<RunningProxy> {
  const upstream = new URL(o.upstream);
  const description = o.description ?? loadDescription();
  const { doc, router } = description;
  const checker = new ResponseChecker(doc, description.validator);
  const { http, core } = loadPrism();
  const operations = await prismOperations(description);
  // Real traffic passes untouched: Prism would answer 422 itself for an invalid request.
  const config: IHttpConfig = { isProxy: true, upstream, mock: { dynamic: false }, checkSecurity: false, validateRequest: false, validateResponse: false, errors: false, upstreamProxy: undefined };
  const prism = http.createInstance(config, { logger: core.createLogger('pass-proxy', { level: 'silent' }) });
  const startedAt = new Date();
  const results: CaseResult[] = [];

  const report = (): RunReport => ({ target: `proxy → ${upstream.origin}`, mode: 'proxy', startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), results, skipped: [] });
  let pending: Promise<string[]> = Promise.resolve([]);
  const flush = () => (pending = pending.then(() => writeReports(o.reportDir ?? 'reports', report(), o.secrets ?? [])));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const t0 = performance.now();
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const body = await readBodyText(req);
    const input: IHttpRequest = {
      method: (req.method ?? 'GET').toLowerCase() as IHttpRequest['method'],
      url: { path: url.pathname, query: Object.fromEntries(url.searchParams) },
      headers: req.headers as Record<string, string>,
      ...(body !== undefined ? { body } : {}),
    };
    const match = router.match(input.method, url.pathname);
    const result = await prism.request(input, operations, config)();
    if (result._tag === 'Left') {
      const e = result.left as { status?: number; message: string };
      res.writeHead(e.status ?? 502, { 'Content-Type': 'text/plain' }).end(`pass-contract proxy: ${e.message}`);
      return;
    }
    const { statusCode, headers = {}, body: out } = result.right.output;
    const text = out === undefined || out === null ? '' : typeof out === 'string' ? out : JSON.stringify(out);
    const outHeaders = Object.fromEntries(Object.entries(headers).filter(([k]) => !DROPPED.has(k.toLowerCase())).map(([k, v]) => [k, String(v)]));
    res.writeHead(statusCode, outHeaders).end(text);

    if (!match) return; // Not a described operation (e.g. another Adobe API): forwarded, not judged.
    const drifts = checker.check(match.op, { status: statusCode, headers: new Headers(outHeaders), body: text });
    const record: CaseResult = {
      id: `${match.op.operationId} › ${req.method} ${url.pathname} #${results.length + 1}`,
      operationId: match.op.operationId,
      kind: 'example',
      name: `${req.method} ${url.pathname} #${results.length + 1}`,
      outcome: drifts.length ? 'drift' : 'pass',
      request: { method: req.method ?? 'GET', path: url.pathname },
      status: statusCode,
      contentType: outHeaders['content-type'] ?? outHeaders['Content-Type'] ?? '',
      drifts,
      durationMs: performance.now() - t0,
    };
    results.push(record);
    o.onRecord?.(record);
    void flush();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' }).end(`pass-contract proxy: ${error.message}`);
    });
  });
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 4011, host, () => resolve());
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    results,
    flush,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await flush();
    },
  };
}
