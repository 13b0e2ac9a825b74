// Adds the DCR access token; on a 401 invalid_access_token_* refreshes it once and retries once.
import type { Middleware } from 'openapi-fetch';
import { readEnhancedError } from '../errors.ts';
import { RequestMemory, resend, type BeforeSend } from './resend.ts';

export interface TokenSource {
  getAccessToken(): Promise<string>;
  invalidate(token: string): Promise<void>;
}

export interface AuthOptions {
  tokens: TokenSource;
  /** Which requests carry the token (default: every operation whose description requires it). */
  needsToken: (method: string, schemaPath: string) => boolean;
  beforeResend?: BeforeSend;
}

export function accessTokenMiddleware({ tokens, needsToken, beforeResend }: AuthOptions): Middleware {
  const sent = new RequestMemory();
  const tokenOf = new Map<string, string>();
  return {
    async onRequest({ request, schemaPath, id }) {
      if (!needsToken(request.method, schemaPath)) return undefined;
      const token = await tokens.getAccessToken();
      request.headers.set('Authorization', `Bearer ${token}`);
      sent.remember(id, request);
      tokenOf.set(id, token);
      return request;
    },
    async onResponse({ response, id, options }) {
      const copy = sent.forget(id);
      const token = tokenOf.get(id);
      tokenOf.delete(id);
      if (!copy || !token || response.status !== 401) return undefined;
      const error = await readEnhancedError(response);
      if (!error?.code.startsWith('invalid_access_token_')) return undefined;
      await tokens.invalidate(token);
      copy.headers.set('Authorization', `Bearer ${await tokens.getAccessToken()}`);
      // Exactly one retry: a second 401 goes back to the caller as it is.
      return resend(copy, options, beforeResend);
    },
    onError({ id }) {
      sent.forget(id);
      tokenOf.delete(id);
    },
  };
}
