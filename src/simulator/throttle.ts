// Adobe's throttle per device on the simulator: the shared step (src/description/throttle.ts)
// over the state store, for the endpoints the throttling page lists.
import { throttleStep, type ThrottleLimit, type ThrottleState } from '../description/throttle.ts';
import type { StateStore } from './store.ts';

/** The endpoints the throttling page lists (those of REST API V2 and DCR). */
export const THROTTLED = /^\/(o\/client\/(register|token|scopes|validate)(\/|$)|api\/v2\/)/;

/** The device key: X-Forwarded-For's first address (server-to-server relays), else the caller's address. */
export function throttleKey(forwardedFor: string | undefined, remoteAddress: string): string {
  return forwardedFor?.split(',')[0]?.trim() || remoteAddress;
}

/** True when the request may go on; false means 429. Idle devices are forgotten after an hour. */
export function admit(store: StateStore, key: string, now: number, limit: ThrottleLimit): Promise<boolean> {
  return store.update<ThrottleState, boolean>('throttle', key, (previous) => {
    const { state, admitted } = throttleStep(previous, now, limit);
    return { value: state, expiresAt: now + 3_600_000, result: admitted };
  });
}
