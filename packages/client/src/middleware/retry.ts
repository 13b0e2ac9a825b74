// Retries a request only when Adobe's enhanced error says `action: retry` (bounded, backoff + jitter).
import type { Middleware } from 'openapi-fetch';
import { systemClock, type Clock } from '../clock.ts';
import { readEnhancedError } from '../errors.ts';
import { RequestMemory, resend, type BeforeSend } from './resend.ts';

export interface RetryOptions {
  /** Further attempts after the first (Adobe: "limited, i.e. 2-3"). Default 2. */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  clock?: Clock;
  random?: () => number;
  beforeResend?: BeforeSend;
}

/** Exponential backoff with "equal jitter": half the step fixed, half random. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const step = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return step / 2 + (random() * step) / 2;
}

export function retryMiddleware(o: RetryOptions = {}): Middleware {
  const { maxRetries = 2, baseDelayMs = 500, maxDelayMs = 4000, clock = systemClock, random = Math.random, beforeResend } = o;
  const sent = new RequestMemory();
  return {
    onRequest({ request, id }) {
      sent.remember(id, request);
      return undefined;
    },
    async onResponse({ response, id, options }) {
      const copy = sent.forget(id);
      // Successes never carry an enhanced error: do not read their bodies.
      if (!copy || response.ok) return undefined;
      let current = response;
      for (let attempt = 1; attempt <= maxRetries; attempt++) {
        const error = current.ok ? undefined : await readEnhancedError(current);
        if (error?.action !== 'retry') break;
        await clock.sleep(backoffDelay(attempt, baseDelayMs, maxDelayMs, random), copy.signal);
        current = await resend(copy, options, beforeResend);
      }
      return current === response ? undefined : current;
    },
    onError({ id }) {
      sent.forget(id);
    },
  };
}
