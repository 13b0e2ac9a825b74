// Decisions for many resources within the per-request limits, keeping each resource's outcome:
// permits served from the cache while valid, item-level `action: retry` re-requested (only those
// resources, a bounded number of times). A call that asks what another call is asking right now
// (same device, question and resources) waits for that answer instead of sending its own.
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
  /** `false`: neither read nor fill the permit cache for this call, nor share a request with another call. */
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
  /**
   * Resources answered by the request of another call asking the same at the same time (same
   * device, service provider, MVPD and resources): this call waited for it instead of sending one.
   */
  shared: string[];
}

type Answers = Pick<DecisionsResult, 'decisions' | 'failed' | 'requests'>;

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
  const device = o.headers['AP-Device-Identifier'];
  const keyOf = (resource: string) => ({ kind: o.kind, device, serviceProvider: o.serviceProvider, mvpd: o.mvpd, resource });
  const pathParams = { serviceProvider: o.serviceProvider, mvpd: o.mvpd };
  const post = async (resources: string[], signal: AbortSignal | undefined) => {
    const aborting = signal ? { signal } : {};
    const answer =
      o.kind === 'preauthorize'
        ? await client.POST('/api/v2/{serviceProvider}/decisions/preauthorize/{mvpd}', { params: { path: pathParams, header: o.headers }, body: { resources }, ...aborting })
        : await client.POST('/api/v2/{serviceProvider}/decisions/authorize/{mvpd}', { params: { path: pathParams, header: o.headers }, body: { resources }, ...aborting });
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

  /** Asks for `resources` in chunks, re-requesting the items whose decision says retry. */
  const ask = async (resources: string[], signal: AbortSignal | undefined): Promise<Answers> => {
    const answers: Answers = { decisions: {}, failed: {}, requests: 0 };
    let pending = resources;
    for (let round = 0; pending.length > 0; round++) {
      const again: string[] = [];
      for (const chunked of chunk(pending, size)) {
        answers.requests++;
        const { decisions, error, status } = await post(chunked, signal);
        if (!decisions) {
          for (const r of chunked) answers.failed[r] = { httpStatus: status, ...(isEnhancedError(error) ? { error } : {}) };
          continue;
        }
        for (const decision of decisions) {
          answers.decisions[decision.resource] = decision;
          if (!decision.authorized && decision.error?.action === 'retry') again.push(decision.resource);
          else cache?.put(keyOf(decision.resource), decision);
        }
      }
      if (again.length === 0 || round >= maxItemRetries) break;
      await clock.sleep(backoffDelay(round + 1, BACKOFF_BASE_MS, BACKOFF_MAX_MS, o.random ?? Math.random), signal);
      pending = again;
    }
    return answers;
  };
  const merge = (result: DecisionsResult, answers: Answers) => {
    Object.assign(result.decisions, answers.decisions);
    Object.assign(result.failed, answers.failed);
    result.requests += answers.requests;
  };

  const result: DecisionsResult = { decisions: {}, failed: {}, requests: 0, fromCache: [], shared: [] };
  const pending: string[] = [];
  for (const resource of new Set(o.resources)) {
    const hit = cache?.get(keyOf(resource));
    if (hit) {
      result.decisions[resource] = hit;
      result.fromCache.push(resource);
    } else {
      pending.push(resource);
    }
  }
  if (pending.length === 0) return result;
  if (!cache) {
    merge(result, await ask(pending, o.signal));
    return result;
  }

  // The same question from another call under way: wait for its answer. Only decisions are
  // shared; a resource whose request failed as a whole (an error status) is asked again by each
  // caller that waited, as a failed shared run is, as with nginx's proxy_cache_lock.
  const question = JSON.stringify([o.kind, device, o.serviceProvider, o.mvpd, [...pending].sort(), size, maxItemRetries]);
  const { joined, answer } = cache.share(question, (signal) => ask(pending, signal), o.signal);
  if (!joined) {
    // Each caller gets its own copy: one may change what it got without the others seeing it.
    merge(result, structuredClone(await answer));
    return result;
  }
  let shared: Answers | undefined;
  try {
    shared = structuredClone(await answer);
  } catch (error) {
    if (o.signal?.aborted) throw error;
  }
  Object.assign(result.decisions, shared?.decisions);
  result.shared.push(...Object.keys(shared?.decisions ?? {}));
  const left = shared ? Object.keys(shared.failed) : pending;
  if (left.length > 0) merge(result, await ask(left, o.signal));
  return result;
}
