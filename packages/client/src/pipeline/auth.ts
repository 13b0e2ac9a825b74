// Adds the DCR access token; after a 401 that says the token or the registration is no longer
// good, renews it (registering again when Adobe's action says so) and sends the call once more.
import { PassError, readEnhancedError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { failingAt, logTo, type Layer } from './call.ts';

export interface TokenSource {
  /** A valid access token; `signal` stops waiting for it. */
  getAccessToken(options?: { signal?: AbortSignal }): Promise<string>;
  /**
   * `token` was refused (401 `invalid_access_token_*`): replace it, registering again first when
   * `reregister` (Adobe's `action: application-registration`). A source shared by many callers
   * renews once for all of them: it does nothing if `token` was already replaced.
   */
  invalidate(token: string, options?: { reregister?: boolean; signal?: AbortSignal }): Promise<void>;
}

export interface AuthOptions {
  tokens: TokenSource;
  /** Which operations carry the token (`GET`, `/api/v2/{serviceProvider}/configuration`). */
  needsToken: (method: string, operation: string) => boolean;
  logger?: Logger;
}

/**
 * A token an Authorization header can carry: visible ASCII only (RFC 6750's b64token is a subset).
 * Anything else made Node's Headers throw a TypeError quoting the whole header, token and all.
 */
export const sendableToken = (token: unknown): token is string => typeof token === 'string' && /^[\x21-\x7e]+$/.test(token);

/** Throws, without the value, when `token` cannot go into the header (nothing is sent with it). */
function bearer(token: unknown, operation: string): string {
  if (sendableToken(token)) return `Bearer ${token}`;
  const why = typeof token !== 'string' ? 'not a string' : token === '' ? 'empty' : 'a character outside visible ASCII';
  throw new PassError(`${operation}: the token source gave an access token an Authorization header cannot carry (${why}); nothing was sent`, { kind: 'credentials', operation });
}

export function auth({ tokens, needsToken, logger }: AuthOptions): Layer {
  const log = logTo(logger);
  return (next) => async (call) => {
    if (!needsToken(call.method, call.operation)) return next(call);
    const signal = call.signal ? { signal: call.signal } : {};
    const token = () => failingAt(log, call, 'token', async () => {
      const value = await tokens.getAccessToken(signal);
      return { value, header: bearer(value, `${call.method} ${call.operation}`) };
    });
    const { value: used, header } = await token();
    call.headers.set('Authorization', header);
    const response = await next(call);
    if (response.status !== 401) return response;
    const error = await readEnhancedError(response);
    const reregister = error?.action === 'application-registration';
    if (!reregister && !error?.code.startsWith('invalid_access_token_')) return response;
    await failingAt(log, call, 'token', () => tokens.invalidate(used, { reregister, ...signal }));
    const renewed = await token();
    // The source kept the refused token (it would not register again so soon): sending the call
    // again with it would only be refused again.
    if (renewed.value === used) return response;
    call.headers.set('Authorization', renewed.header);
    call.reason = reregister ? 're-registration' : 'token-refresh';
    // Exactly one more attempt: a second refusal goes back to the caller unchanged.
    return next(call);
  };
}
