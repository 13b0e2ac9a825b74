// The layers every attempt goes through, DCR's included: the device's throttle and the 429 policy,
// the logger, then one bounded HTTP exchange. `createPassClient` builds one for all its calls (so
// DCR shares the throttle); a `DcrTokenManager` used alone builds its own.
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { logAttempts } from './attempts.ts';
import { compose, type Send } from './call.ts';
import { rateLimit, type RateLimitOptions } from './rate-limit.ts';
import type { DeviceThrottle } from './throttle.ts';
import { transport, type TransportOptions } from './transport.ts';

export interface SendOptions extends TransportOptions {
  throttle: DeviceThrottle;
  clock: Clock;
  logger?: Logger;
  rateLimit?: RateLimitOptions;
}

export function createSend(o: SendOptions): Send {
  return compose(rateLimit({ ...o.rateLimit, throttle: o.throttle, clock: o.clock, logger: o.logger }), logAttempts(o.logger, o.clock))(transport(o));
}
