// What one checked exchange produced, and how a result's outcome follows from its drifts.
import type { Drift } from './check-response.ts';
import { maxTier, type Tier } from './rules.ts';

/** pass: nothing to report (or only notes / accepted drift); drift: additions or breaking drift;
 * error: no usable response (timeout, connection, size); not-checked: never judged (429s, no token, run stopped). */
export type Outcome = 'pass' | 'drift' | 'error' | 'not-checked';

export interface CaseResult {
  /** `<operationId> › <situation>`: test names and report rows. */
  id: string;
  operationId: string;
  /** example / negative: a contract case; dcr: the run's own registration or token request; traffic: proxy mode. */
  kind: 'example' | 'negative' | 'dcr' | 'traffic';
  name: string;
  outcome: Outcome;
  /** The highest tier among the drifts that are not accepted. */
  tier?: Tier;
  /** What was sent, without query, headers or body (they carry credentials). */
  request: { method: string; path: string };
  status?: number;
  contentType?: string;
  drifts: Drift[];
  /** Why the result is an error or was not checked. */
  error?: string;
  /** Requests sent for this case (more than 1 after a 429). */
  attempts?: number;
  durationMs: number;
  /**
   * Proxy mode: how many more exchanges this row stands for (the same operation, status, outcome
   * and drift; see `FoldedResults`), the last of them at `lastSeenAt`.
   */
  repeats?: number;
  lastSeenAt?: string;
}

/** How many exchanges a result row stands for. */
export const weight = (r: CaseResult): number => 1 + (r.repeats ?? 0);

/** Sets `outcome` and `tier` from the drifts (accepted drift and notes do not make a drift). */
export function settle(result: CaseResult): CaseResult {
  if (result.outcome === 'error' || result.outcome === 'not-checked') return result;
  const open = result.drifts.filter((d) => !d.accepted && d.tier !== 'note');
  const tier = maxTier(open.map((d) => d.tier));
  const { tier: _old, ...rest } = result;
  return { ...rest, outcome: tier ? 'drift' : 'pass', ...(tier ? { tier } : {}) };
}
