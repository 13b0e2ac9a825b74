// Child process (node --expose-gc): does a request timeout still fire when the garbage collector
// runs while the request hangs, and does it reach the connection (the host sees it closed), with
// Node's fetch and with an injected one? Prints one JSON line: how each call ended, and for our
// client's calls how long after the timeout the host saw the connection close (null: still open
// 2 s later). Also how a call with AbortSignal.timeout() on a temporary Request ended.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPassClient } from '../../../packages/client/src/index.ts';

const maybeGc = (globalThis as { gc?: () => void }).gc;
if (!maybeGc) throw new Error('run with --expose-gc');
const gc = maybeGc;

// A host that never answers, and says when each connection closes.
let closed: (() => void) | undefined;
const server = createServer((req) => req.socket.once('close', () => closed?.()));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function outcome(call: () => Promise<unknown>, giveUpMs: number): Promise<string> {
  const collector = setInterval(() => gc(), 5);
  const watchdog = new Promise<string>((resolve) => setTimeout(() => resolve(`still pending after ${giveUpMs} ms`), giveUpMs).unref());
  try {
    return await Promise.race([call().then(() => 'resolved', (e: Error) => e.name), watchdog]);
  } finally {
    clearInterval(collector);
  }
}

/** How the call ended, and how long after it the host saw its connection close (null: not within 2 s). */
async function withClose(call: () => Promise<unknown>): Promise<{ outcome: string; closedAfterMs: number | null }> {
  let closedAt: number | undefined;
  const seen = new Promise<void>((resolve) => (closed = () => resolve(void (closedAt = performance.now()))));
  const result = await outcome(call, 4000);
  const ended = performance.now();
  // The collector keeps running while we wait: the abort must already have reached the connection.
  const collector = setInterval(() => gc(), 5);
  await Promise.race([seen, new Promise((resolve) => setTimeout(resolve, 2000))]);
  clearInterval(collector);
  return { outcome: result, closedAfterMs: closedAt === undefined ? null : Math.max(0, Math.round(closedAt - ended)) };
}

const tokens = { getAccessToken: async () => 'token', invalidate: async () => undefined };
const configuration = (pass: ReturnType<typeof createPassClient>, signal?: AbortSignal) => pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF30' } }, ...(signal ? { signal } : {}) });
class CallerGaveUp extends Error {
  override name = 'CallerGaveUp';
}
const ours = await withClose(() => configuration(createPassClient({ baseUrl, timeoutMs: 300, tokens })));
// An injected fetch, as a service passes one for a proxy agent or for tracing, gets a Request.
const injected = await withClose(() => configuration(createPassClient({ baseUrl, timeoutMs: 300, tokens, fetch: (request) => fetch(request) })));
// The caller gives up (its own signal) long before the timeout. openapi-fetch hands that signal on
// inside a Request of its own, whose follow link a collection could cut as well: the call must
// still end with the caller's reason, not run on to its timeout.
const cancelled = await withClose(() => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new CallerGaveUp()), 300);
  return configuration(createPassClient({ baseUrl, timeoutMs: 10_000, tokens }), controller.signal);
});
const naive = await outcome(() => fetch(new Request(`${baseUrl}/api/v2/REF30/configuration`, { signal: AbortSignal.timeout(300) })), 1500);
console.log(JSON.stringify({ ours, injected, cancelled, naive }));
process.exit(0);
