// Dynamic Client Registration: register once, then fetch and reuse access tokens (single flight).
import createClient from 'openapi-fetch';
import type { paths } from '../generated/schema.d.ts';
import { systemClock, type Clock } from './clock.ts';
import { PassError } from './errors.ts';
import { loggerMiddleware, type RequestLogger } from './middleware/logger.ts';
import { MemoryTokenStore, type AccessToken, type ClientCredentials, type TokenState, type TokenStore } from './stores.ts';

export interface DcrOptions {
  baseUrl: string;
  /** X-Device-Info sent on the DCR calls (the DCR pages require it). */
  deviceInfo: string;
  /** The software statement from the TVE Dashboard; used only when no client credentials are stored. */
  softwareStatement?: string;
  redirectUri?: string;
  /** Client credentials obtained elsewhere; take precedence over registration. */
  clientCredentials?: ClientCredentials;
  store?: TokenStore;
  fetch?: (request: Request) => Promise<Response>;
  clock?: Clock;
  /** Renew this long before expiry (default: 5 minutes or 10 % of the lifetime, whichever is shorter). */
  refreshMarginMs?: number;
  userAgent?: string;
  /** Sees method, path, status and timing of the DCR calls (never their bodies). */
  logger?: RequestLogger;
}

/** Owns the DCR state: one registration, one token request at a time, tokens reused until shortly before expiry. */
export class DcrTokenManager {
  private readonly store: TokenStore;
  private readonly clock: Clock;
  private readonly dcr;
  private state: TokenState | undefined;
  private inflight: Promise<string> | undefined;

  constructor(private readonly options: DcrOptions) {
    this.store = options.store ?? new MemoryTokenStore();
    this.clock = options.clock ?? systemClock;
    this.dcr = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch ?? ((r) => globalThis.fetch(r)) });
    if (options.logger) this.dcr.use(loggerMiddleware(options.logger, this.clock));
  }

  /** A valid access token: the cached one, or exactly one new token request shared by all callers. */
  async getAccessToken(): Promise<string> {
    const cached = await this.currentToken();
    if (cached && this.isFresh(cached)) return cached.value;
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forget `token` (after a 401 invalid_access_token_*), unless a newer one replaced it already. */
  async invalidate(token: string): Promise<void> {
    const state = await this.loadState();
    if (state.accessToken?.value === token) {
      this.state = { ...state, accessToken: undefined };
      await this.store.save(this.state);
    }
  }

  private async currentToken(): Promise<AccessToken | undefined> {
    return (await this.loadState()).accessToken;
  }

  private isFresh(token: AccessToken): boolean {
    return this.clock.now() < token.expiresAt;
  }

  private async loadState(): Promise<TokenState> {
    this.state ??= (await this.store.load()) ?? {};
    return this.state;
  }

  private async refresh(): Promise<string> {
    const state = await this.loadState();
    let credentials = this.options.clientCredentials ?? state.clientCredentials ?? (await this.register());
    let token = await this.requestToken(credentials);
    if (token === 'invalid_client' && !this.options.clientCredentials && this.options.softwareStatement) {
      // Stored credentials were revoked or expired: register again, once.
      credentials = await this.register();
      token = await this.requestToken(credentials);
    }
    if (token === 'invalid_client') throw new PassError('DCR token request rejected the client credentials (invalid_client)', 400, 'invalid_client');
    this.state = { ...(await this.loadState()), clientCredentials: credentials, accessToken: token };
    await this.store.save(this.state);
    return token.value;
  }

  private async register(): Promise<ClientCredentials> {
    if (!this.options.softwareStatement) throw new PassError('No client credentials stored and no software statement to register with');
    const { data, error, response } = await this.dcr.POST('/o/client/register', {
      headers: { 'Content-Type': 'application/json' },
      params: { header: this.headers() },
      body: { software_statement: this.options.softwareStatement, ...(this.options.redirectUri ? { redirect_uri: this.options.redirectUri } : {}) },
    });
    if (!data) throw new PassError(`DCR registration failed: HTTP ${response.status} ${describeOAuthError(error)}`, response.status, oauthCode(error));
    const credentials = { clientId: data.client_id, clientSecret: data.client_secret };
    this.state = { ...(await this.loadState()), clientCredentials: credentials, accessToken: undefined };
    await this.store.save(this.state);
    return credentials;
  }

  private async requestToken(credentials: ClientCredentials): Promise<AccessToken | 'invalid_client'> {
    const { data, error, response } = await this.dcr.POST('/o/client/token', {
      // openapi-fetch form-encodes the body when this exact Content-Type is set.
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      params: { header: this.headers() },
      body: { client_id: credentials.clientId, client_secret: credentials.clientSecret, grant_type: 'client_credentials' },
    });
    if (!data) {
      if (oauthCode(error) === 'invalid_client') return 'invalid_client';
      throw new PassError(`DCR token request failed: HTTP ${response.status} ${describeOAuthError(error)}`, response.status, oauthCode(error));
    }
    const lifetimeMs = data.expires_in * 1000;
    const margin = this.options.refreshMarginMs ?? Math.min(5 * 60_000, lifetimeMs / 10);
    return { value: data.access_token, expiresAt: this.clock.now() + lifetimeMs - margin };
  }

  private headers() {
    return {
      Accept: 'application/json',
      'X-Device-Info': this.options.deviceInfo,
      ...(this.options.userAgent ? { 'User-Agent': this.options.userAgent } : {}),
    };
  }
}

function oauthCode(error: unknown): string | undefined {
  return error && typeof error === 'object' && typeof (error as { error?: unknown }).error === 'string' ? (error as { error: string }).error : undefined;
}

/** Only the OAuth error code: a DCR error body never echoes secrets, but we do not print bodies anyway. */
function describeOAuthError(error: unknown): string {
  const code = oauthCode(error);
  return code ? `(${code})` : '';
}
