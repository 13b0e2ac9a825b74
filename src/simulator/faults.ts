// Faults a scenario or the control API injects: latency, hangs and errors, per operation.
import { systemClock } from 'pass-contract-client';
import type { SimRandom } from './random.ts';
import type { Fault } from './scenario.ts';

export interface FaultPlan {
  latencyMs: number;
  hang: boolean;
  error?: { code: string; status?: number };
}

/** What the faults matching `operationId` do to this request (each applies with its `rate`, drawn from the seeded stream). */
export function planFaults(faults: Fault[], operationId: string, random: SimRandom): FaultPlan | undefined {
  let plan: FaultPlan | undefined;
  for (const f of faults) {
    if (f.operation !== '*' && f.operation !== operationId) continue;
    if (f.rate !== undefined && f.rate < 1 && random.next() >= f.rate) continue;
    plan ??= { latencyMs: 0, hang: false };
    plan.latencyMs = Math.max(plan.latencyMs, f.latencyMs ?? 0);
    plan.hang ||= f.hang === true;
    const error = f.error ?? (f.latencyMs === undefined && !f.hang ? 'internal_server_error' : undefined);
    if (error && !plan.error) plan.error = { code: error, ...(f.status !== undefined ? { status: f.status } : {}) };
  }
  return plan;
}

/**
 * Resolves after `ms`, or rejects as soon as `signal` aborts (client gone, simulator closing). The
 * client's clock chains timers past 24.8 days, where one setTimeout fires after 1 ms.
 */
export const delay = (ms: number, signal: AbortSignal): Promise<void> => systemClock.sleep(ms, signal);

/** Never resolves on its own: a hung request ends when `signal` aborts. */
export function hang(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
