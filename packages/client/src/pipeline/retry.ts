// Sends a call again only when Adobe's enhanced error says `action: retry`: bounded, with
// exponential backoff and jitter, and the waits cancelled by the caller's signal.
import { milliseconds, wholeNumber } from '../bounds.ts';
import { systemClock, type Clock } from '../clock.ts';
import { readEnhancedError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { failingAt, logTo, where, type Layer } from './call.ts';

export interface RetryOptions {
  /** Further attempts after the first (Adobe: "limited, i.e. 2-3"). Default 2. */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

/** The backoff's first step and its ceiling, shared with the item-level retries of `retrieveDecisions`. */
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 4000;

/** Exponential backoff with "equal jitter": half the step fixed, half random. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const step = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

export function retryOnAction(o: RetryOptions & { clock?: Clock; logger?: Logger } = {}): Layer {
  const { random = Math.random } = o;
  const maxRetries = wholeNumber('retry.maxRetries', o.maxRetries ?? 2);
  const baseDelayMs = milliseconds('retry.baseDelayMs', o.baseDelayMs ?? BACKOFF_BASE_MS);
  const maxDelayMs = milliseconds('retry.maxDelayMs', o.maxDelayMs ?? BACKOFF_MAX_MS);
  const clock = o.clock ?? systemClock;
  const log = logTo(o.logger);
  return (next) => async (call) => {
    let response = await next(call);
    for (let retry = 1; retry <= maxRetries && !response.ok; retry++) {
      if ((await readEnhancedError(response))?.action !== 'retry') break;
      const ms = backoffDelay(retry, baseDelayMs, maxDelayMs, random);
      log({ event: 'wait', ...where(call), reason: 'backoff', ms });
      await failingAt(log, call, 'backoff', () => clock.sleep(ms, call.signal));
      call.reason = 'retry';
      response = await next(call);
    }
    return response;
  };
}
