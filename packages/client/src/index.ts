// The typed Adobe Pass client: openapi-fetch on the generated types, sending every call through
// the layers that follow Adobe's rules (pipeline/): cache → retry → auth → rate limit → log → transport.
import createClient, { type ClientOptions } from 'openapi-fetch';
import { operations } from '../generated/operations.ts';
import type { paths } from '../generated/schema.d.ts';
import { DecisionCache, type DecisionCacheOptions } from './cache/decisions.ts';
import { checkBaseUrl } from './base-url.ts';
import { perCallSignals } from './call-signal.ts';
import { systemClock, type Clock } from './clock.ts';
import { DcrTokenManager, type DcrOptions } from './dcr.ts';
import type { Logger } from './log.ts';
import { contentTypeMiddleware } from './middleware/content-type.ts';
import { auth, type TokenSource } from './pipeline/auth.ts';
import { compose, toFetch, type Layer } from './pipeline/call.ts';
import { configurationCache, type ConfigurationCacheOptions } from './pipeline/configuration-cache.ts';
import { isGet, resendDropped } from './pipeline/reconnect.ts';
import type { RateLimitOptions } from './pipeline/rate-limit.ts';
import { retryOnAction, type RetryOptions } from './pipeline/retry.ts';
import { createSend } from './pipeline/send.ts';
import { DeviceThrottle, type DeviceLimiterOptions } from './pipeline/throttle.ts';
import type { TypedClient } from './typed.ts';

export type { paths, components, operations as operationTypes } from '../generated/schema.d.ts';
export { operations } from '../generated/operations.ts';
export type { TypedClient } from './typed.ts';

/**
 * openapi-fetch's client on the description's types, with JSON/form bodies chosen per operation
 * and redirects not followed, and a signal given to many calls left without their listeners. No
 * timeouts, retries or tokens: that is `createPassClient`.
 */
export function createTypedClient(options: ClientOptions = {}): TypedClient {
  checkBaseUrl('createTypedClient', options.baseUrl);
  const client = createClient<paths>({ headers: { Accept: 'application/json' }, redirect: 'manual', ...options });
  client.use(contentTypeMiddleware(operations));
  return perCallSignals(client as TypedClient);
}

export interface PassClientOptions {
  /** Adobe host, e.g. https://sp.auth-staging.adobe.com (no trailing slash). */
  baseUrl: string;
  /** Either a token source you own, or the DCR settings to build one. */
  tokens?: TokenSource;
  dcr?: Omit<DcrOptions, 'baseUrl' | 'fetch' | 'clock' | 'send' | 'logger' | 'redactor' | 'timeoutMs' | 'maxResponseBytes' | 'rateLimit'>;
  fetch?: (request: Request) => Promise<Response>;
  clock?: Clock;
  /** Sees every attempt, wait, cache hit and failure, with a reason; never headers, bodies or query strings. */
  logger?: Logger;
  /** Per attempt, from sending to the last byte of the body (DCR calls included). Default 15 s. */
  timeoutMs?: number;
  /** Larger response bodies fail the attempt. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Re-sends for `action: retry` errors (default 2, with backoff and jitter); `false` to disable. */
  retry?: RetryOptions | false;
  /** After a 429: re-sends (default 2) and the longest Retry-After waited for (default 60 s). */
  rateLimit?: RateLimitOptions;
  /** Client-side limiter per device (10 at once, then one per 1 s + 500 ms margin); off by default. */
  limit?: boolean | DeviceLimiterOptions;
  /** Configuration and permit-decision caches (on by default); `false` to disable both. */
  cache?: { configuration?: ConfigurationCacheOptions | false; decisions?: DecisionCacheOptions | false } | false;
}

export type PassClient = TypedClient & {
  tokens: TokenSource;
  /** The clock the client was built with: `retrieveDecisions` and `pollProfileByCode` use it unless given one. */
  clock: Clock;
  /** The permit cache `retrieveDecisions` uses, when caching is on. */
  decisionCache?: DecisionCache;
};

/** true when the described operation requires the DCR bearer token. */
export const needsAccessToken = (method: string, schemaPath: string): boolean => operations[`${method} ${schemaPath}`]?.bearer ?? false;

export function createPassClient(options: PassClientOptions): PassClient {
  checkBaseUrl('createPassClient', options.baseUrl);
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const limit = options.limit ?? false;
  const throttle = new DeviceThrottle(limit !== false, { clock, ...(typeof limit === 'object' ? limit : {}) });

  // Every attempt, DCR's included: one throttle, one 429 policy, one timeout, one logger.
  const send = createSend({ ...options, throttle, clock });

  const tokens =
    options.tokens ??
    (options.dcr ? new DcrTokenManager({ ...options.dcr, baseUrl: options.baseUrl, clock, send, ...(logger ? { logger } : {}) }) : undefined);
  if (!tokens) throw new Error('createPassClient: pass `tokens` or `dcr` (software statement or client credentials)');

  const cache = options.cache === false ? { configuration: false as const, decisions: false as const } : (options.cache ?? {});
  const layers: Layer[] = [];
  if (cache.configuration !== false) layers.push(configurationCache({ clock, ...(logger ? { logger } : {}), ...cache.configuration }));
  if (options.retry !== false) layers.push(retryOnAction({ clock, ...(logger ? { logger } : {}), ...options.retry }), resendDropped(isGet));
  layers.push(auth({ tokens, needsToken: needsAccessToken, ...(logger ? { logger } : {}) }));

  const client = createTypedClient({ baseUrl: options.baseUrl, fetch: toFetch(compose(...layers)(send), options.baseUrl) });
  const decisionCache = cache.decisions !== false ? new DecisionCache({ clock, ...cache.decisions }) : undefined;
  return Object.assign(client, { tokens, clock, ...(decisionCache ? { decisionCache } : {}) });
}

export { DcrTokenManager, REREGISTER_COOLDOWN_MS, type DcrOptions } from './dcr.ts';
export { MemoryTokenStore, Mutex, type TokenStore, type TokenState, type ClientCredentials, type AccessToken, type LockOptions } from './stores.ts';
export * from './device.ts';
export {
  PassError, PassNetworkError, PassRateLimitError, PassResponseError, PassTimeoutError, isEnhancedError, readEnhancedError, safeCode, blockedPortOf, blockedPortReason, certificateProblem,
  type EnhancedError, type ErrorAction, type PassErrorKind,
} from './errors.ts';
export { Redactor } from './redact.ts';
export { SecretForms, REDACTED } from './secret-forms.ts';
export { systemClock, MAX_TIMER_MS, type Clock } from './clock.ts';
export { waitOrAbort } from './abort.ts';
export { operationPrefix } from './base-url.ts';
export type { LogEntry, Logger, AttemptReason, WaitReason, FailureStage } from './log.ts';
export { compose, toFetch, type Call, type Layer, type Send } from './pipeline/call.ts';
export { transport, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES, type TransportOptions } from './pipeline/transport.ts';
export { logAttempts } from './pipeline/attempts.ts';
export { auth, sendableToken, type TokenSource } from './pipeline/auth.ts';
export { rateLimit, DEFAULT_MAX_WAIT_MS, type RateLimitOptions } from './pipeline/rate-limit.ts';
export { retryOnAction, backoffDelay, type RetryOptions } from './pipeline/retry.ts';
export { resendDropped, droppedConnection, isDroppedCode, isGet } from './pipeline/reconnect.ts';
export { configurationCache, DEFAULT_CONFIGURATION_TTL_MS, type ConfigurationCacheOptions } from './pipeline/configuration-cache.ts';
export { DeviceThrottle, deviceKey, retryAfterMs, DEFAULT_MARGIN_MS, SELF_KEY, type DeviceLimiterOptions } from './pipeline/throttle.ts';
export { DecisionCache, DEFAULT_PREAUTHORIZATION_TTL_MS, type DecisionCacheOptions, type DecisionKey } from './cache/decisions.ts';
export { contentTypeMiddleware, toForm } from './middleware/content-type.ts';
export * from './flows/poll-profile.ts';
export * from './flows/logout.ts';
export * from './flows/decisions.ts';
export * from './flows/authenticate.ts';
