// Keeps the configuration response for a short while, as Adobe's checklist recommends ("store the
// configuration response in memory … for a short period of time (e.g. 3-5 minutes)").
// Keyed by URL and by the headers Adobe identifies the device platform from (X-Device-Info and
// User-Agent): the answer says which platform asked (`device`, `os`) and carries, per MVPD, that
// platform's single sign-on settings (`enablePlatformServices`, `displayInPlatformPicker`, …). A
// programmer service asking for Apple TVs and Android phones must not hand one the other's.
// Not by device identifier: devices of one platform share an answer. A call with `cache: 'no-store'`
// neither reads nor writes the cache; `cache: 'reload'` or `'no-cache'` skips the read and stores the fresh answer.
//
// Calls that miss while a request for the same key is on its way wait for it rather than each
// sending its own (a service starting up, or every device of a platform asking as the answer runs
// out, would otherwise send Adobe one request per device at once). Like nginx's proxy_cache_lock,
// only a 200 is shared, as only a 200 is kept: the caller that started the request gets whatever
// it got, and the others, on anything else, ask on their own. Each waiter can give up with its own
// signal; the request is cancelled once every caller waiting for it has.
import { waitOrAbort } from '../abort.ts';
import { milliseconds, wholeNumber } from '../bounds.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { setRecent } from '../lru.ts';
import { logTo, where, type Call, type Layer, type Send } from './call.ts';

export const CONFIGURATION = '/api/v2/{serviceProvider}/configuration';
export const DEFAULT_CONFIGURATION_TTL_MS = 5 * 60_000;

interface Entry { bytes: ArrayBuffer; status: number; headers: [string, string][]; expiresAt: number }
/** A request on its way: it ends in an entry (a 200) or in the response the caller that started it gets. */
interface Flight { key: string; outcome: Promise<Entry | Response>; controller: AbortController; waiters: number; starterLeft: boolean }

export interface ConfigurationCacheOptions {
  /** How long an answer is reused. Default 5 minutes. */
  ttlMs?: number;
  /** Answers kept, one per URL, X-Device-Info and User-Agent (the least recently used forgotten). Default 100. */
  maxEntries?: number;
}

export function configurationCache(o: ConfigurationCacheOptions & { clock?: Clock; logger?: Logger } = {}): Layer {
  const ttl = milliseconds('cache.configuration.ttlMs', o.ttlMs ?? DEFAULT_CONFIGURATION_TTL_MS);
  const maxEntries = wholeNumber('cache.configuration.maxEntries', o.maxEntries ?? 100);
  const clock = o.clock ?? systemClock;
  const log = logTo(o.logger);
  const entries = new Map<string, Entry>();
  const flights = new Map<string, Flight>();
  const toResponse = (e: Entry) => new Response(e.bytes.slice(0), { status: e.status, headers: e.headers });
  const asResponse = (outcome: Entry | Response) => (outcome instanceof Response ? outcome : toResponse(outcome));

  return (next) => (call) => (call.method !== 'GET' || call.operation !== CONFIGURATION || call.cache === 'no-store' ? next(call) : cached(next, call));

  async function cached(next: Send, call: Call): Promise<Response> {
    const key = `${call.url}\u0000${call.headers.get('x-device-info') ?? ''}\u0000${call.headers.get('user-agent') ?? ''}`;
    const readable = call.cache !== 'reload' && call.cache !== 'no-cache';
    const flight = flights.get(key);
    if (readable) {
      const hit = entries.get(key);
      if (hit && clock.now() < hit.expiresAt) {
        log({ event: 'cache-hit', ...where(call) });
        return toResponse(hit);
      }
      if (flight) {
        let shared: Entry | Response | undefined;
        try {
          shared = await join(flight, call.signal, false);
        } catch (error) {
          if (call.signal?.aborted) throw error;
        }
        if (shared && !(shared instanceof Response)) {
          log({ event: 'cache-hit', ...where(call) });
          return toResponse(shared);
        }
        // No 200 to share: this call asks on its own.
      }
    }
    if (flight) return asResponse(await fetchAndKeep(next, call, key));
    if (call.signal?.aborted) throw call.signal.reason;
    // This call starts the request, on a signal of its own that aborts once nobody waits for it.
    const controller = new AbortController();
    const started: Flight = { key, controller, waiters: 0, starterLeft: false, outcome: Promise.resolve().then(() => fetchAndKeep(next, { ...call, headers: new Headers(call.headers), signal: controller.signal }, key)) };
    started.outcome.then(
      (outcome) => {
        end(started);
        // A response nobody will read (its caller gave up): let its connection go.
        if (outcome instanceof Response && started.starterLeft) void outcome.body?.cancel().catch(() => undefined);
      },
      () => end(started),
    );
    flights.set(key, started);
    return asResponse(await join(started, call.signal, true));
  }

  /** The answer to `call`: a 200 kept and returned as its entry, anything else as it came. */
  async function fetchAndKeep(next: Send, call: Call, key: string): Promise<Entry | Response> {
    const response = await next(call);
    if (response.status !== 200) return response;
    const entry = { bytes: await response.arrayBuffer(), status: response.status, headers: [...response.headers], expiresAt: clock.now() + ttl };
    setRecent(entries, key, entry, maxEntries);
    return entry;
  }

  /** Waits for a flight's outcome. A caller that gives up leaves at once; the last to leave cancels the request. */
  function join(flight: Flight, signal: AbortSignal | undefined, starter: boolean): Promise<Entry | Response> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    // Callers without a signal count too: they never leave, so the request runs for them.
    flight.waiters++;
    if (!signal) return flight.outcome;
    const leave = () => {
      if (starter) flight.starterLeft = true;
      if (--flight.waiters > 0) return;
      end(flight);
      flight.controller.abort(signal.reason);
    };
    signal.addEventListener('abort', leave, { once: true });
    return waitOrAbort(flight.outcome, signal).finally(() => signal.removeEventListener('abort', leave));
  }

  function end(flight: Flight): void {
    if (flights.get(flight.key) === flight) flights.delete(flight.key);
  }
}
