// The typed Adobe Pass client: openapi-fetch on the generated types, with the cookbook's rules as middleware.
import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import { operations } from '../generated/operations.ts';
import type { paths } from '../generated/schema.d.ts';
import { systemClock, type Clock } from './clock.ts';
import { DcrTokenManager, type DcrOptions } from './dcr.ts';
import { accessTokenMiddleware, type TokenSource } from './middleware/auth.ts';
import { contentTypeMiddleware } from './middleware/content-type.ts';
import { loggerMiddleware, type RequestLogger } from './middleware/logger.ts';
import { retryMiddleware, type RetryOptions } from './middleware/retry.ts';
import { throttleMiddleware, type DeviceLimiterOptions } from './middleware/throttle.ts';

export type { paths, components, operations as operationTypes } from '../generated/schema.d.ts';
export { operations } from '../generated/operations.ts';

/** openapi-fetch's client on the description's types, with JSON/form bodies chosen per operation. */
export function createTypedClient(options: ClientOptions = {}): Client<paths> {
  const client = createClient<paths>({ headers: { Accept: 'application/json' }, ...options });
  client.use(contentTypeMiddleware(operations));
  return client;
}

export interface PassClientOptions {
  /** Adobe host, e.g. https://sp.auth-staging.adobe.com (no trailing slash). */
  baseUrl: string;
  /** Either a token source you own, or the DCR settings to build one. */
  tokens?: TokenSource;
  dcr?: Omit<DcrOptions, 'baseUrl' | 'fetch' | 'clock'>;
  fetch?: (request: Request) => Promise<Response>;
  clock?: Clock;
  /** Sees method, path, status and timing of every call; never headers or bodies. */
  logger?: RequestLogger;
  /** Retries for `action: retry` errors (default on, 2 more attempts); `false` to disable. */
  retry?: RetryOptions | false;
  /** Client-side limiter per device (1 request/s after a burst of 10); off by default. */
  limit?: boolean | DeviceLimiterOptions;
}

export type PassClient = Client<paths> & { tokens: TokenSource };

/** true when the described operation requires the DCR bearer token. */
export const needsAccessToken = (method: string, schemaPath: string): boolean => operations[`${method} ${schemaPath}`]?.bearer ?? false;

export function createPassClient(options: PassClientOptions): PassClient {
  const clock = options.clock ?? systemClock;
  const fetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const tokens = options.tokens ?? (options.dcr ? new DcrTokenManager({ ...options.dcr, baseUrl: options.baseUrl, fetch, clock, ...(options.logger ? { logger: options.logger } : {}) }) : undefined);
  if (!tokens) throw new Error('createPassClient: pass `tokens` or `dcr` (software statement or client credentials)');

  const limit = options.limit ?? false;
  const throttle = throttleMiddleware({ clock, ...(typeof limit === 'object' ? { ...limit, limit: true } : { limit }) });
  const middleware: Middleware[] = [];
  if (options.logger) middleware.push(loggerMiddleware(options.logger, clock));
  middleware.push(throttle, accessTokenMiddleware({ tokens, needsToken: needsAccessToken, beforeResend: throttle.gate }));
  if (options.retry !== false) middleware.push(retryMiddleware({ clock, beforeResend: throttle.gate, ...(options.retry ?? {}) }));

  const client = createTypedClient({ baseUrl: options.baseUrl, fetch });
  client.use(...middleware);
  return Object.assign(client, { tokens });
}

export { DcrTokenManager, type DcrOptions } from './dcr.ts';
export { MemoryTokenStore, type TokenStore, type TokenState, type ClientCredentials, type AccessToken } from './stores.ts';
export * from './device.ts';
export { PassError, isEnhancedError, readEnhancedError, type EnhancedError, type ErrorAction } from './errors.ts';
export { systemClock, type Clock } from './clock.ts';
export { accessTokenMiddleware, type TokenSource } from './middleware/auth.ts';
export { contentTypeMiddleware, toForm } from './middleware/content-type.ts';
export { loggerMiddleware, type RequestLogEntry, type RequestLogger } from './middleware/logger.ts';
export { retryMiddleware, backoffDelay, type RetryOptions } from './middleware/retry.ts';
export { throttleMiddleware, DeviceThrottle, retryAfterMs, type DeviceLimiterOptions } from './middleware/throttle.ts';
export * from './flows/poll-profile.ts';
export * from './flows/logout.ts';
export * from './flows/decisions.ts';
