// Keeps the configuration response for a short while, as Adobe's checklist recommends ("store the
// configuration response in memory … for a short period of time (e.g. 3-5 minutes)").
// Keyed by URL and by the headers Adobe identifies the device platform from (X-Device-Info and
// User-Agent): the answer says which platform asked (`device`, `os`) and carries, per MVPD, that
// platform's single sign-on settings (`enablePlatformServices`, `displayInPlatformPicker`, …). A
// programmer service asking for Apple TVs and Android phones must not hand one the other's.
// Not by device identifier: devices of one platform share an answer. A call with `cache: 'no-store'`
// neither reads nor writes the cache; `cache: 'reload'` or `'no-cache'` skips the read and stores the fresh answer.
import { milliseconds, wholeNumber } from '../bounds.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { setRecent } from '../lru.ts';
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
  const clock = o.clock ?? systemClock;
  const log = logTo(o.logger);
  const entries = new Map<string, Entry>();
  const toResponse = (e: Entry) => new Response(e.bytes.slice(0), { status: e.status, headers: e.headers });

  return (next) => (call) => (call.method !== 'GET' || call.operation !== CONFIGURATION || call.cache === 'no-store' ? next(call) : cached(next, call));

  async function cached(next: Send, call: Call): Promise<Response> {
    const key = `${call.url}\u0000${call.headers.get('x-device-info') ?? ''}\u0000${call.headers.get('user-agent') ?? ''}`;
    const readable = call.cache !== 'reload' && call.cache !== 'no-cache';
    const hit = entries.get(key);
    if (readable && hit && clock.now() < hit.expiresAt) {
      log({ event: 'cache-hit', ...where(call) });
      return toResponse(hit);
    }
    const response = await next(call);
    if (response.status !== 200) return response;
    const entry = { bytes: await response.arrayBuffer(), status: response.status, headers: [...response.headers], expiresAt: clock.now() + ttl };
    setRecent(entries, key, entry, maxEntries);
    return toResponse(entry);
  }
}
