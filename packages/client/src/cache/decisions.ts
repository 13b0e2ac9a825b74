// Permit decisions kept in memory per device, service provider, MVPD and resource, while valid.
//
// Adobe's checklist asks to "cache successful permit decisions in memory" (preauthorization) and
// the server-to-server cookbook to "respect the validity of the … authorization decision when
// caching". An authorization permit is kept for the validity it states and its media token's,
// whichever ends first, so a cached permit never hands out an expired media token; a
// preauthorization permit carries no validity, so it is kept for `preauthorizationTtlMs`. A
// validity is `notAfter − notBefore` (both Adobe's time; `notBefore` is when it was issued),
// counted from when the permit arrived: compared with `notAfter` as is, a service clock minutes
// behind Adobe's handed out media tokens the verifier already refuses, and one ahead of it kept
// nothing. Denies are never kept. Calls that ask the same question while a request for it is under
// way wait for that request (`share`) instead of each sending one.
import { milliseconds, wholeNumber } from '../bounds.ts';
import type { components } from '../../generated/schema.d.ts';
import { steadyTime, systemClock, type Clock } from '../clock.ts';
import { setRecent } from '../lru.ts';
import { SharedFlights } from '../shared-flight.ts';

type Decision = components['schemas']['Decision'];
export type DecisionKind = 'preauthorize' | 'authorize';

export interface DecisionCacheOptions {
  /** How long a preauthorization permit is reused. Default 10 minutes. */
  preauthorizationTtlMs?: number;
  /** Entries kept (least recently used are forgotten). Default 10,000. */
  maxEntries?: number;
  clock?: Clock;
}

export const DEFAULT_PREAUTHORIZATION_TTL_MS = 10 * 60_000;

export interface DecisionKey {
  kind: DecisionKind;
  /** The device's AP-Device-Identifier. */
  device: string;
  serviceProvider: string;
  mvpd: string;
  resource: string;
}

export class DecisionCache {
  private readonly entries = new Map<string, { decision: Decision; expiresAt: number }>();
  /** Work under way per question. */
  private readonly flights = new SharedFlights<unknown>();
  private readonly ttl: number;
  private readonly max: number;
  private readonly clock: Clock;
  /** `expiresAt` is on it: a permit lives its validity however the wall clock steps (`steadyTime`). */
  private readonly time: () => number;

  constructor(o: DecisionCacheOptions = {}) {
    this.ttl = milliseconds('cache.decisions.preauthorizationTtlMs', o.preauthorizationTtlMs ?? DEFAULT_PREAUTHORIZATION_TTL_MS);
    this.max = wholeNumber('cache.decisions.maxEntries', o.maxEntries ?? 10_000);
    this.clock = o.clock ?? systemClock;
    this.time = steadyTime(this.clock);
  }

  private static key(k: DecisionKey): string {
    return JSON.stringify([k.kind, k.device, k.serviceProvider, k.mvpd, k.resource]);
  }

  get(k: DecisionKey): Decision | undefined {
    const key = DecisionCache.key(k);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.time() >= entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    setRecent(this.entries, key, entry, this.max);
    return structuredClone(entry.decision);
  }

  /** Keeps `decision` if it is a permit with a validity still ahead; returns whether it did. */
  put(k: DecisionKey, decision: Decision): boolean {
    if (!decision.authorized) return false;
    let validity: number;
    if (k.kind === 'preauthorize') {
      validity = this.ttl;
    } else {
      // Each validity as a span of Adobe's time; without its notBefore, a notAfter is read on our wall clock.
      const wall = this.clock.now();
      const span = (notBefore: number | undefined, notAfter: number | undefined) =>
        typeof notAfter !== 'number' ? undefined : typeof notBefore === 'number' ? notAfter - notBefore : notAfter - wall;
      const spans = [span(decision.notBefore, decision.notAfter), span(decision.token?.notBefore, decision.token?.notAfter)].filter((t): t is number => t !== undefined);
      if (spans.length === 0) return false;
      validity = Math.min(...spans);
    }
    if (!(validity > 0)) return false;
    const expiresAt = this.time() + validity;
    setRecent(this.entries, DecisionCache.key(k), { decision: structuredClone(decision), expiresAt }, this.max);
    return true;
  }

  clear(): void {
    this.entries.clear();
  }

  /**
   * Runs `work` for `question`, or, when work for the same question is under way, waits for that
   * (`joined`). A caller's `signal` only stops its own wait; the work is aborted once every caller
   * waiting for it has given up (`SharedFlight`).
   */
  share<T>(question: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): { joined: boolean; answer: Promise<T> } {
    return this.flights.run(question, work, signal) as { joined: boolean; answer: Promise<T> };
  }

  /** Questions with work under way (for tests and metrics). */
  get sharing(): number {
    return this.flights.size;
  }
}
