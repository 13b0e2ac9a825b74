// Decisions for many resources within the per-request limits, keeping each resource's outcome:
// permits served from the cache while valid, item-level `action: retry` re-requested (only those
// resources, a bounded number of times).
import type { components, paths } from '../../generated/schema.d.ts';
import { wholeNumber } from '../bounds.ts';
import { DecisionCache } from '../cache/decisions.ts';
import { clockOf, systemClock, type Clock } from '../clock.ts';
import { isEnhancedError, PassError, type EnhancedError } from '../errors.ts';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffDelay } from '../pipeline/retry.ts';
import type { TypedClient } from '../typed.ts';

type Decision = components['schemas']['Decision'];
type PreauthorizeHeaders = paths['/api/v2/{serviceProvider}/decisions/preauthorize/{mvpd}']['post']['parameters']['header'];
type AuthorizeHeaders = paths['/api/v2/{serviceProvider}/decisions/authorize/{mvpd}']['post']['parameters']['header'];

/** The usual per-request limits (configurable per integration; Adobe answers too_many_resources above them). */
export const DEFAULT_RESOURCE_LIMITS = { preauthorize: 5, authorize: 1 } as const;

export type RetrieveDecisionsOptions = ({ kind: 'preauthorize'; headers: PreauthorizeHeaders } | { kind: 'authorize'; headers: AuthorizeHeaders }) & DecisionsCommonOptions;

interface DecisionsCommonOptions {
  serviceProvider: string;
  mvpd: string;
  resources: string[];
  /** Resources per request; defaults to DEFAULT_RESOURCE_LIMITS[kind]. */
  maxPerRequest?: number;
  /** Rounds of re-requesting the resources whose decision says `action: retry`. Default 2. */
  maxItemRetries?: number;
  /** `false`: neither read nor fill the permit cache for this call. */
  cache?: boolean;
  /** The permit cache; by default the one of the client from `createPassClient`. */
  decisionCache?: DecisionCache;
  signal?: AbortSignal;
  /** Default: the clock of the client from `createPassClient`, else the system clock. */
  clock?: Clock;
  random?: () => number;
}

export interface DecisionsResult {
  /** The decision for each resource Adobe answered for (permit or deny with its item-level error). */
  decisions: Record<string, Decision>;
  /** Resources whose request failed as a whole (top-level error), with that error. */
  failed: Record<string, { httpStatus: number; error?: EnhancedError }>;
  /** Requests sent (item-level retries included). */
  requests: number;
  /** Resources answered from the permit cache, without a request. */
  fromCache: string[];
}

export const chunk = <T>(items: T[], size: number): T[][] => {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`resources per request must be a positive integer, got ${size}`);
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
};

const cacheOf = (client: TypedClient): DecisionCache | undefined => {
  const cache = (client as { decisionCache?: unknown }).decisionCache;
  return cache instanceof DecisionCache ? cache : undefined;
};

/** Sends the resources in chunks, one request after another (the device throttle applies to each). */
export async function retrieveDecisions(client: TypedClient, o: RetrieveDecisionsOptions): Promise<DecisionsResult> {
  const size = o.maxPerRequest ?? DEFAULT_RESOURCE_LIMITS[o.kind];
  const maxItemRetries = wholeNumber('retrieveDecisions: maxItemRetries', o.maxItemRetries ?? 2);
  const clock = o.clock ?? clockOf(client) ?? systemClock;
  const cache = o.cache === false ? undefined : (o.decisionCache ?? cacheOf(client));
  const keyOf = (resource: string) => ({ kind: o.kind, device: o.headers['AP-Device-Identifier'], serviceProvider: o.serviceProvider, mvpd: o.mvpd, resource });
  const result: DecisionsResult = { decisions: {}, failed: {}, requests: 0, fromCache: [] };
  const signal = o.signal ? { signal: o.signal } : {};
  const pathParams = { serviceProvider: o.serviceProvider, mvpd: o.mvpd };
  const post = async (resources: string[]) => {
    const answer =
      o.kind === 'preauthorize'
        ? await client.POST('/api/v2/{serviceProvider}/decisions/preauthorize/{mvpd}', { params: { path: pathParams, header: o.headers }, body: { resources }, ...signal })
        : await client.POST('/api/v2/{serviceProvider}/decisions/authorize/{mvpd}', { params: { path: pathParams, header: o.headers }, body: { resources }, ...signal });
    const status = answer.response.status;
    if (!answer.response.ok) return { decisions: undefined, error: answer.error as unknown, status };
    // The description requires a list of decisions, each naming its resource: say so when a host
    // sends otherwise (an empty body or `null` included).
    const decisions: unknown = (answer.data as { decisions?: unknown } | null | undefined)?.decisions;
    if (!Array.isArray(decisions) || !decisions.every((d) => d !== null && typeof d === 'object' && typeof (d as Decision).resource === 'string')) {
      const operation = `POST /api/v2/{serviceProvider}/decisions/${o.kind}/{mvpd}`;
      throw new PassError(`${operation}: HTTP ${status} without a decisions list of objects that name their resource`, { kind: 'protocol', status, operation });
    }
    return { decisions: decisions as Decision[], error: undefined, status };
  };

  let pending: string[] = [];
  for (const resource of new Set(o.resources)) {
    const hit = cache?.get(keyOf(resource));
    if (hit) {
      result.decisions[resource] = hit;
      result.fromCache.push(resource);
    } else {
      pending.push(resource);
    }
  }

  for (let round = 0; pending.length > 0; round++) {
    const again: string[] = [];
    for (const resources of chunk(pending, size)) {
      result.requests++;
      const { decisions, error, status } = await post(resources);
      if (!decisions) {
        for (const r of resources) result.failed[r] = { httpStatus: status, ...(isEnhancedError(error) ? { error } : {}) };
        continue;
      }
      for (const decision of decisions) {
        result.decisions[decision.resource] = decision;
        if (!decision.authorized && decision.error?.action === 'retry') again.push(decision.resource);
        else cache?.put(keyOf(decision.resource), decision);
      }
    }
    if (again.length === 0 || round >= maxItemRetries) break;
    await clock.sleep(backoffDelay(round + 1, BACKOFF_BASE_MS, BACKOFF_MAX_MS, o.random ?? Math.random), o.signal);
    pending = again;
  }
  return result;
}
