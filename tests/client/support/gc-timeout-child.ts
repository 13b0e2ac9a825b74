// Child process (node --expose-gc): does a request timeout still fire when the garbage collector
// runs while the request hangs, and does it reach the connection (the host sees it closed), with
// Node's fetch and with an injected one? Prints one JSON line: how each call ended, and for our
// client's calls how long after the timeout the host saw the connection close (null: still open
// 2 s later). Also how a call with AbortSignal.timeout() on a temporary Request ended.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPassClient, createTypedClient } from '../../../packages/client/src/index.ts';

const maybeGc = (globalThis as { gc?: () => void }).gc;
if (!maybeGc) throw new Error('run with --expose-gc');
const gc = maybeGc;

// A host that never answers, and says when the connection of a request closes (by its service
// provider, one per case: a case's connection may close while a later case runs).
const closed = new Map<string, () => void>();
const server = createServer((req) => req.socket.once('close', () => closed.get(req.url!.split('/')[3]!)?.()));
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
async function withClose(call: (serviceProvider: string) => Promise<unknown>): Promise<{ outcome: string; closedAfterMs: number | null }> {
  let closedAt: number | undefined;
  const serviceProvider = `SP${closed.size}`;
  const seen = new Promise<void>((resolve) => closed.set(serviceProvider, () => resolve(void (closedAt = performance.now()))));
  const result = await outcome(() => call(serviceProvider), 4000);
  const ended = performance.now();
  // The collector keeps running while we wait: the abort must already have reached the connection.
  const collector = setInterval(() => gc(), 5);
  await Promise.race([seen, new Promise((resolve) => setTimeout(resolve, 2000))]);
  clearInterval(collector);
  return { outcome: result, closedAfterMs: closedAt === undefined ? null : Math.max(0, Math.round(closedAt - ended)) };
}

const tokens = { getAccessToken: async () => 'token', invalidate: async () => undefined };
const configuration = (pass: ReturnType<typeof createPassClient>, serviceProvider: string, signal?: AbortSignal) => pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider } }, ...(signal ? { signal } : {}) });
const session = { body: { mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: 'https://adobe.com' } } as const;
/** A signal the caller aborts 300 ms in. */
const givingUp = () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new CallerGaveUp()), 300);
  return controller.signal;
};
class CallerGaveUp extends Error {
  override name = 'CallerGaveUp';
}
const ours = await withClose((sp) => configuration(createPassClient({ baseUrl, timeoutMs: 300, tokens }), sp));
// An injected fetch, as a service passes one for a proxy agent or for tracing, gets a Request.
const injected = await withClose((sp) => configuration(createPassClient({ baseUrl, timeoutMs: 300, tokens, fetch: (request) => fetch(request) }), sp));
// The caller gives up (its own signal) long before the timeout. openapi-fetch hands that signal on
// inside a Request of its own, whose follow link a collection could cut as well: the call must
// still end with the caller's reason, not run on to its timeout.
const cancelled = await withClose((sp) => configuration(createPassClient({ baseUrl, timeoutMs: 10_000, tokens }), sp, givingUp()));
// The same for an operation whose body goes as a form (sessions, DCR tokens): a middleware
// rebuilds the Request, which then follows the signal of openapi-fetch's first one.
const cancelledForm = await withClose((sp) =>
  createPassClient({ baseUrl, timeoutMs: 10_000, tokens }).POST('/api/v2/{serviceProvider}/sessions', { params: { path: { serviceProvider: sp }, header: {} as never }, ...session, signal: givingUp() }));
// And through the typed client (openapi-fetch and the same middleware, no timeout of its own).
const typedForm = await withClose((sp) => createTypedClient({ baseUrl }).POST('/api/v2/{serviceProvider}/sessions', { params: { path: { serviceProvider: sp }, header: {} as never }, ...session, signal: givingUp() }));
const naive = await outcome(() => fetch(new Request(`${baseUrl}/api/v2/REF30/configuration`, { signal: AbortSignal.timeout(300) })), 1500);
console.log(JSON.stringify({ ours, injected, cancelled, cancelledForm, typedForm, naive }));
process.exit(0);
