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
import { milliseconds, wholeNumber } from '../bounds.ts';
import { steadyTime, systemClock, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { setRecent } from '../lru.ts';
import { SharedFlights } from '../shared-flight.ts';
import { logTo, where, type Call, type Layer, type Send } from './call.ts';

export const CONFIGURATION = '/api/v2/{serviceProvider}/configuration';
export const DEFAULT_CONFIGURATION_TTL_MS = 5 * 60_000;

interface Entry { bytes: ArrayBuffer; status: number; headers: [string, string][]; expiresAt: number }

export interface ConfigurationCacheOptions {
  /** How long an answer is reused. Default 5 minutes. */
  ttlMs?: number;
  /** Answers kept, one per URL, X-Device-Info and User-Agent (the least recently used forgotten). Default 100. */
  maxEntries?: number;
}

export function configurationCache(o: ConfigurationCacheOptions & { clock?: Clock; logger?: Logger } = {}): Layer {
  const ttl = milliseconds('cache.configuration.ttlMs', o.ttlMs ?? DEFAULT_CONFIGURATION_TTL_MS);
  const maxEntries = wholeNumber('cache.configuration.maxEntries', o.maxEntries ?? 100);
  // `expiresAt` is on it: an answer lives its TTL however the wall clock steps.
  const time = steadyTime(o.clock ?? systemClock);
  const log = logTo(o.logger);
  const entries = new Map<string, Entry>();
  /** Requests on their way, per key: each ends in an entry (a 200) or in the response its starter gets. */
  const flights = new SharedFlights<Entry | Response>();
  const toResponse = (e: Entry) => new Response(e.bytes.slice(0), { status: e.status, headers: e.headers });
  const asResponse = (outcome: Entry | Response) => (outcome instanceof Response ? outcome : toResponse(outcome));

  return (next) => (call) => (call.method !== 'GET' || call.operation !== CONFIGURATION || call.cache === 'no-store' ? next(call) : cached(next, call));

  async function cached(next: Send, call: Call): Promise<Response> {
    const key = `${call.url}\u0000${call.headers.get('x-device-info') ?? ''}\u0000${call.headers.get('user-agent') ?? ''}`;
    const readable = call.cache !== 'reload' && call.cache !== 'no-cache';
    if (readable) {
      const hit = entries.get(key);
      if (hit && time() < hit.expiresAt) {
        log({ event: 'cache-hit', ...where(call) });
        return toResponse(hit);
      }
    }
    // A reload does not wait for a request sent before it.
    if (!readable && flights.running(key)) return asResponse(await fetchAndKeep(next, call, key));
    // Join the request on its way, or start it: on a signal of its own, aborted once every caller
    // waiting for it has left (SharedFlight). Only the starter's work runs.
    const { joined, answer } = flights.run(key, (signal) => fetchAndKeep(next, { ...call, headers: new Headers(call.headers), signal }, key), call.signal);
    let outcome: Entry | Response | undefined;
    try {
      outcome = await answer;
    } catch (error) {
      // The starter gets its own failure; a waiter whose shared request failed asks on its own.
      if (!joined || call.signal?.aborted) throw error;
    }
    if (!joined) return asResponse(outcome!);
    if (outcome && !(outcome instanceof Response)) {
      log({ event: 'cache-hit', ...where(call) });
      return toResponse(outcome);
    }
    // No 200 to share (the starter's answer is the starter's): this call asks on its own.
    return asResponse(await fetchAndKeep(next, call, key));
  }

  /** The answer to `call`: a 200 kept and returned as its entry, anything else as it came. */
  async function fetchAndKeep(next: Send, call: Call, key: string): Promise<Entry | Response> {
    const response = await next(call);
    if (response.status !== 200) return response;
    const entry = { bytes: await response.arrayBuffer(), status: response.status, headers: [...response.headers], expiresAt: time() + ttl };
    setRecent(entries, key, entry, maxEntries);
    return entry;
  }
}
