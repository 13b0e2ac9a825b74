// A service usually passes one long-lived signal to every call (its shutdown signal, a request
// scope reused across many calls). openapi-fetch puts that signal in a `new Request(…)`, and Node
// 20's undici ties each Request to it with an `abort` listener that it removes only when the
// garbage collector has taken the Request. So the caller's signal gathered a listener per call:
// 2,758 after 4,000 calls in a probe, with "MaxListenersExceededWarning: Possible EventTarget memory
// leak detected" printed from the 1,501st on. Here each call gets a signal of its own that follows
// the caller's, and the listener that ties the two is removed when the call ends: the caller's signal
// keeps none. That listener holds the call's signal strongly while the call runs (undici's own link
// is a WeakRef), so nothing about it depends on when the collector runs.
import type { TypedClient } from './typed.ts';

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

/** Runs `call` with a signal that follows `signal` until `call` settles. */
async function followed<T>(signal: AbortSignal, call: (own: AbortSignal) => Promise<T>): Promise<T> {
  const own = new AbortController();
  const onAbort = () => own.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await call(own.signal);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * `client` with every method (and `request`) handing openapi-fetch a per-call signal that follows
 * the caller's until the call settles. openapi-fetch settles a call once it has read the body, so
 * the caller's signal has nothing left to abort by then; except with `parseAs: 'stream'`, where the
 * caller reads the body afterwards: such a call gets the caller's signal itself.
 */
export function perCallSignals<C extends TypedClient>(client: C): C {
  type Init = { signal?: AbortSignal | null; parseAs?: string } & Record<string, unknown>;
  const follow = <T>(init: Init | undefined, send: (init: Init | undefined) => Promise<T>): Promise<T> =>
    init?.signal && init.parseAs !== 'stream' ? followed(init.signal, (signal) => send({ ...init, signal })) : send(init);
  const methods = client as unknown as Record<string, (url: string, init?: Init) => Promise<unknown>>;
  for (const name of METHODS) {
    const send = methods[name]!;
    methods[name] = (url, init) => follow(init, (i) => send(url, i));
  }
  const request = client.request as unknown as (method: string, url: string, init?: Init) => Promise<unknown>;
  (client as { request: unknown }).request = (method: string, url: string, init?: Init) => follow(init, (i) => request(method, url, i));
  return client;
}
