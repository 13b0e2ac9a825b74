// What the client tells its logger: every attempt, every wait and every failure before sending,
// each with a reason — and never a header, a body or a query string.

/** Why an attempt was sent. */
export type AttemptReason =
  /** The caller's call. */
  | 'first'
  /** Adobe's enhanced error said `action: retry`. */
  | 'retry'
  /** A 401 `invalid_access_token_*`: sent again with a new access token. */
  | 'token-refresh'
  /** A 401 with `action: application-registration`: sent again after registering again. */
  | 're-registration'
  /** A 429: sent again after the pause Adobe asked for. */
  | 'rate-limited'
  /** A GET whose connection closed under it without an answer: sent again, once, on a new one. */
  | 'reconnect';

/** Why the client waited before sending. */
export type WaitReason =
  /** The client-side limiter (`limit`) kept the device within Adobe's rate. */
  | 'throttle'
  /** The pause after a 429 (at least 1 s, or Retry-After). */
  | 'rate-limited'
  /** Backoff before retrying an `action: retry` error. */
  | 'backoff';

/** Where a call failed before (or instead of) sending an attempt. */
export type FailureStage = 'token' | 'throttle' | 'backoff' | 'rate-limit';

interface Where {
  method: string;
  /** The operation's path template, e.g. /api/v2/{serviceProvider}/logout/{mvpd}. */
  operation: string;
  /** The URL path sent (no query string: it can carry user data). */
  path: string;
}

export type LogEntry =
  | (Where & {
      event: 'attempt';
      /** 1 for the first attempt of a call, 2 for its first re-send, … */
      attempt: number;
      reason: AttemptReason;
      status?: number;
      /** The error's class name when the attempt got no usable response. */
      error?: string;
      durationMs: number;
    })
  | (Where & { event: 'wait'; reason: WaitReason; ms: number })
  | (Where & { event: 'failure'; stage: FailureStage; error: string })
  | (Where & { event: 'cache-hit' })
  | (Partial<Where> & { event: 'warning'; warning: 'no-device-key' | 'store-not-saved' | 'store-not-locked' | 'store-not-read'; message: string });

export type Logger = (entry: LogEntry) => void;

/** The class name of an error, for log entries (never its message). */
export const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error === 'object' && error !== null ? 'Error' : String(typeof error));
