// Tells the logger about every attempt that goes out: why it was sent, how it ended, how long it took.
import { steadyTime, systemClock, type Clock } from '../clock.ts';
import { PassError } from '../errors.ts';
import { errorName, type Logger } from '../log.ts';
import { logTo, where, type Layer } from './call.ts';

export function logAttempts(logger: Logger | undefined, clock: Clock = systemClock): Layer {
  // Without a logger there is nothing to build: only the count (`Call.attempt`, part of the layer interface) is kept.
  if (!logger) {
    return (next) => (call) => {
      call.attempt++;
      return next(call);
    };
  }
  const log = logTo(logger);
  // A duration the wall clock stepping back would make negative.
  const time = steadyTime(clock);
  return (next) => async (call) => {
    call.attempt++;
    const started = time();
    const entry = () => ({ event: 'attempt' as const, ...where(call), attempt: call.attempt, reason: call.reason });
    try {
      const response = await next(call);
      log({ ...entry(), status: response.status, durationMs: time() - started });
      return response;
    } catch (error) {
      const status = error instanceof PassError ? error.status : undefined;
      log({ ...entry(), ...(status !== undefined ? { status } : {}), error: errorName(error), durationMs: time() - started });
      throw error;
    }
  };
}
