// Adobe's throttle per device, as its throttling page's table plays it out: from a device's first
// request, each one-second window allows one request "from the limit"; more requests in a window
// spend a one-time burst of 10; with the burst spent, the rest of the window answers 429.
import type { StateStore } from './store.ts';

/** The endpoints the throttling page lists (those of REST API V2 and DCR). */
export const THROTTLED = /^\/(o\/client\/(register|token|scopes|validate)(\/|$)|api\/v2\/)/;

interface DeviceBucket { t0: number; window: number; usedInWindow: number; burstLeft: number }

export interface ThrottleOptions { ratePerSecond: number; burst: number }

/** The device key: X-Forwarded-For's first address (server-to-server relays), else the caller's address. */
export function throttleKey(forwardedFor: string | undefined, remoteAddress: string): string {
  return forwardedFor?.split(',')[0]?.trim() || remoteAddress;
}

/** True when the request may go on; false means 429. Idle devices are forgotten after an hour. */
export function admit(store: StateStore, key: string, now: number, o: ThrottleOptions): Promise<boolean> {
  const windowMs = 1000 / o.ratePerSecond;
  return store.update<DeviceBucket, boolean>('throttle', key, (b) => {
    const bucket = b ?? { t0: now, window: 0, usedInWindow: 0, burstLeft: o.burst };
    const window = Math.floor((now - bucket.t0) / windowMs);
    const next = window === bucket.window ? { ...bucket } : { ...bucket, window, usedInWindow: 0 };
    let ok = true;
    if (next.usedInWindow < 1) next.usedInWindow++;
    else if (next.burstLeft > 0) next.burstLeft--;
    else ok = false;
    return { value: next, expiresAt: now + 3_600_000, result: ok };
  });
}
