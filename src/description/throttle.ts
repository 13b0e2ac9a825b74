// Adobe's throttle for one device (the `429 Too Many Requests` every operation documents), as the
// scenario table of the throttling page plays it out: from the device's first request, each
// one-second window (1/rate s) allows one request "from the limit"; more requests in a window spend
// a one-time burst of 10; with the burst spent, the rest of the window is refused. Refused requests
// consume nothing. A pure step, so the simulator (over its store) and the audit (over recorded
// exchanges) apply the same reading.

export interface ThrottleLimit {
  /** Requests per second (Adobe: 1). */
  ratePerSecond: number;
  /** One-time allowance on top of the rate (Adobe: 10). */
  burst: number;
}

/** What the throttle remembers of a device (plain data: the simulator's store may serialise it). */
export interface ThrottleState {
  /** When the device's first request arrived (ms): windows count from it. */
  t0: number;
  window: number;
  usedInWindow: number;
  burstLeft: number;
}

/** A request from a device at `at` (ms); `state` undefined for its first request. */
export function throttleStep(state: ThrottleState | undefined, at: number, limit: ThrottleLimit): { state: ThrottleState; admitted: boolean } {
  const s = state ?? { t0: at, window: 0, usedInWindow: 0, burstLeft: limit.burst };
  const window = Math.floor((at - s.t0) / (1000 / limit.ratePerSecond));
  const next = window === s.window ? { ...s } : { ...s, window, usedInWindow: 0 };
  if (next.usedInWindow < 1) next.usedInWindow++;
  else if (next.burstLeft > 0) next.burstLeft--;
  else return { state: next, admitted: false };
  return { state: next, admitted: true };
}
