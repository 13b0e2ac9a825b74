// Throttle gate and 429 handling: wait for the device's slot, and after a 429 pause the device
// (at least 1 s, or Retry-After up to a cap), then send again — a bounded number of times.
import { milliseconds, wholeNumber } from '../bounds.ts';
import { systemClock, type Clock } from '../clock.ts';
import { PassRateLimitError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { failingAt, logTo, where, type Layer } from './call.ts';
import { deviceKey, DeviceThrottle, MAX_PAUSE_MS, MIN_PAUSE_MS, pauseMs, retryAfterMs, SELF_KEY } from './throttle.ts';

export interface RateLimitOptions {
  /** Re-sends after a 429 (each after the pause). Default 2. */
  maxRetries?: number;
  /** The longest pause the client waits for; a longer Retry-After fails the call at once. Default 60 s. */
  maxWaitMs?: number;
}

export const DEFAULT_MAX_WAIT_MS = 60_000;

/**
 * Calls that should carry a device key: REST API V2 calls a server makes for a device. DCR calls
 * are the service's own; the authentication URL is a user agent's (the description declares no
 * device header for it).
 */
const perDevice = (operation: string) => operation.startsWith('/api/v2/') && !operation.startsWith('/api/v2/authenticate/');

export function rateLimit(o: RateLimitOptions & { throttle: DeviceThrottle; clock?: Clock; logger?: Logger }): Layer {
  const { throttle } = o;
  const maxRetries = wholeNumber('rateLimit.maxRetries', o.maxRetries ?? 2);
  const maxWaitMs = milliseconds('rateLimit.maxWaitMs', o.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
  const clock = o.clock ?? systemClock;
  const log = logTo(o.logger);
  const cap = `the ${Math.round(maxWaitMs / 1000)} s this client waits (maxWaitMs)`;
  const warned = new Set<string>();

  return (next) => async (call) => {
    const key = deviceKey(call.headers);
    if (key === SELF_KEY && perDevice(call.operation) && !warned.has(call.operation)) {
      warned.add(call.operation);
      log({
        event: 'warning',
        warning: 'no-device-key',
        ...where(call),
        message: `${call.method} ${call.operation} carries neither X-Forwarded-For nor AP-Device-Identifier: Adobe counts it against this service's own address, so all such calls share one throttle of 1 request/s. Send the device's IP in X-Forwarded-For. (Said once per operation.)`,
      });
    }
    for (let retries = 0; ; retries++) {
      let waited = 0;
      // Most calls have nothing to wait for: no limiter, no pause. An aborted call goes the long way, which says so.
      if (call.signal?.aborted || !throttle.free(key)) {
        // A pause an earlier 429 set that outlasts maxWaitMs is not waited for: the call fails now,
        // as the call that met the 429 did (its wait held every later call of the device).
        const held = throttle.pausedFor(key);
        if (held > maxWaitMs) {
          log({ event: 'failure', ...where(call), stage: 'throttle', error: 'PassRateLimitError' });
          throw new PassRateLimitError(`${call.method} ${call.operation}`, clock.now() + held, `an earlier 429 paused this device for ${Math.ceil(held / 1000)} s more, longer than ${cap}`);
        }
        waited = await failingAt(log, call, 'throttle', () => throttle.acquire(key, call.signal));
      }
      if (waited > 0) log({ event: 'wait', ...where(call), reason: call.reason === 'rate-limited' ? 'rate-limited' : 'throttle', ms: waited });
      const response = await next(call);
      if (response.status !== 429) return response;

      const asked = retryAfterMs(response.headers, clock.now());
      const pause = pauseMs(asked);
      throttle.pause(key, pause);
      const taken = asked > MAX_PAUSE_MS ? ` (taken as ${MAX_PAUSE_MS / 1000} s, the most this client pauses a device)` : '';
      const giveUp =
        pause > maxWaitMs ? `Retry-After asks for ${Math.ceil(Math.max(MIN_PAUSE_MS, asked) / 1000)} s${taken}, more than ${cap}`
        : retries >= maxRetries ? `still throttled after ${retries + 1} attempts`
        : undefined;
      if (giveUp) {
        log({ event: 'failure', ...where(call), stage: 'rate-limit', error: 'PassRateLimitError' });
        throw new PassRateLimitError(`${call.method} ${call.operation}`, clock.now() + pause, giveUp);
      }
      call.reason = 'rate-limited';
    }
  };
}
