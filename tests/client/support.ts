// Test doubles for the client: a virtual clock and a scripted fetch that records every request.
import type { Clock } from '../../packages/client/src/clock.ts';

/** Time moves only when someone sleeps; every sleep is recorded. */
export function virtualClock(start = 1_700_000_000_000): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += Math.max(0, ms);
      await Promise.resolve();
    },
  };
}

export interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export type Handler = (request: Request, index: number) => Response | Promise<Response>;

/** A fetch that answers from `handler` and records requests (with the clock's time, if given). */
export function scriptedFetch(handler: Handler, clock?: Clock) {
  const requests: Recorded[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const body = request.body ? await request.clone().text() : '';
    requests.push({ method: request.method, url: request.url, headers: Object.fromEntries(request.headers), body, at: clock?.now() ?? Date.now() });
    return handler(request, requests.length - 1);
  };
  return { fetch, requests };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json;charset=UTF-8', ...headers } });

export const enhancedError = (status: number, code: string, action: string) =>
  json(status, { action, status, code, message: `m ${code}`, helpUrl: 'https://experienceleague.adobe.com/' });
