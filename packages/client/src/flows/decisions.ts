// Decisions for many resources within the per-request limits, keeping each resource's outcome.
import type { Client } from 'openapi-fetch';
import type { components, paths } from '../../generated/schema.d.ts';
import { isEnhancedError, type EnhancedError } from '../errors.ts';

type Decision = components['schemas']['Decision'];
type DecisionHeaders = paths['/api/v2/{serviceProvider}/decisions/authorize/{mvpd}']['post']['parameters']['header'];

/** The usual per-request limits (configurable per integration; Adobe answers too_many_resources above them). */
export const DEFAULT_RESOURCE_LIMITS = { preauthorize: 5, authorize: 1 } as const;

export interface RetrieveDecisionsOptions {
  kind: 'preauthorize' | 'authorize';
  serviceProvider: string;
  mvpd: string;
  resources: string[];
  headers: DecisionHeaders;
  /** Resources per request; defaults to DEFAULT_RESOURCE_LIMITS[kind]. */
  maxPerRequest?: number;
}

export interface DecisionsResult {
  /** The decision for each resource Adobe answered for (permit or deny with its item-level error). */
  decisions: Record<string, Decision>;
  /** Resources whose request failed as a whole (top-level error), with that error. */
  failed: Record<string, { httpStatus: number; error?: EnhancedError }>;
  requests: number;
}

export const chunk = <T>(items: T[], size: number): T[][] => {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`resources per request must be a positive integer, got ${size}`);
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
};

/** Sends the resources in chunks, one request after another (the device throttle applies to each). */
export async function retrieveDecisions(client: Client<paths>, o: RetrieveDecisionsOptions): Promise<DecisionsResult> {
  const size = o.maxPerRequest ?? DEFAULT_RESOURCE_LIMITS[o.kind];
  const result: DecisionsResult = { decisions: {}, failed: {}, requests: 0 };
  const path = o.kind === 'preauthorize' ? '/api/v2/{serviceProvider}/decisions/preauthorize/{mvpd}' as const : '/api/v2/{serviceProvider}/decisions/authorize/{mvpd}' as const;
  for (const resources of chunk([...new Set(o.resources)], size)) {
    result.requests++;
    const { data, error, response } = await client.POST(path, {
      params: { path: { serviceProvider: o.serviceProvider, mvpd: o.mvpd }, header: o.headers },
      body: { resources },
    });
    if (data) {
      for (const decision of data.decisions as Decision[]) result.decisions[decision.resource] = decision;
    } else {
      for (const r of resources) result.failed[r] = { httpStatus: response.status, ...(isEnhancedError(error) ? { error } : {}) };
    }
  }
  return result;
}
