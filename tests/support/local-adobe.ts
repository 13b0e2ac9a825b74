// A loopback stand-in for Adobe Pass: routes each request to its described operation and answers
// with that operation's documented examples (or a test's override). Records what it received.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listOperations, loadBundledDescription, type Json, type Operation } from '../../src/description/document.ts';
import { Router } from '../../src/description/routes.ts';
import { readBodyText } from '../../src/http/body.ts';

export interface Received {
  operationId: string;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Answer {
  status: number;
  body?: Json | string;
  headers?: Record<string, string>;
}

/** Return an Answer to override the default for a request; undefined keeps the default. */
export type Override = (r: Received, count: number) => Answer | undefined;

/** The operation's first documented success example (2xx body, or 3xx Location). */
function defaultAnswer(op: Operation): Answer {
  const ex = op.responseExamples.find((e) => /^[23]/.test(e.status))!;
  if (ex.header) return { status: Number(ex.status), headers: { [ex.header]: String(ex.value) } };
  return { status: Number(ex.status), body: ex.value };
}

export async function startLocalAdobe(overrides: Record<string, Override> = {}) {
  const router = new Router(listOperations(loadBundledDescription()));
  const received: Received[] = [];
  const counts = new Map<string, number>();

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = router.match(req.method ?? 'GET', url.pathname);
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const r: Received = { operationId: match.op.operationId, method: req.method!, path: url.pathname + url.search, headers: req.headers, body: (await readBodyText(req)) ?? '' };
    received.push(r);
    const n = (counts.get(r.operationId) ?? 0) + 1;
    counts.set(r.operationId, n);
    const answer = overrides[r.operationId]?.(r, n) ?? defaultAnswer(match.op);
    const isText = typeof answer.body === 'string';
    res.writeHead(answer.status, {
      ...(answer.body !== undefined ? { 'Content-Type': isText ? 'text/html' : 'application/json;charset=UTF-8' } : {}),
      ...answer.headers,
    });
    res.end(answer.body === undefined ? undefined : isText ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    count: (operationId: string) => counts.get(operationId) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
