// Dynamic Client Registration: register once, then fetch and reuse access tokens — once per
// store, however many callers, instances or processes share it.
import createClient from 'openapi-fetch';
import type { paths } from '../generated/schema.d.ts';
import { checkBaseUrl } from './base-url.ts';
import { milliseconds } from './bounds.ts';
import { steadyTime, systemClock, type Clock } from './clock.ts';
import { PassError, safeCode } from './errors.ts';
import { errorName, type Logger } from './log.ts';
import { contentTypeMiddleware } from './middleware/content-type.ts';
import { operations } from '../generated/operations.ts';
import { sendableToken } from './pipeline/auth.ts';
import { toFetch, type Send } from './pipeline/call.ts';
import type { RateLimitOptions } from './pipeline/rate-limit.ts';
import { resendDropped } from './pipeline/reconnect.ts';
import { createSend } from './pipeline/send.ts';
import { DeviceThrottle } from './pipeline/throttle.ts';
import { Redactor } from './redact.ts';
import { SharedFlight, SharedFlights } from './shared-flight.ts';
import { MemoryTokenStore, Mutex, type AccessToken, type ClientCredentials, type TokenState, type TokenStore } from './stores.ts';

/**
 * How long client credentials that replaced refused ones are not replaced again (1 hour): Adobe
 * wants an application to register once, and a refusal that survives a new registration is not
 * about the registration.
 */
export const REREGISTER_COOLDOWN_MS = 60 * 60_000;

export interface DcrOptions {
  baseUrl: string;
  /** X-Device-Info sent on the DCR calls (the DCR pages require it). */
  deviceInfo: string;
  /** The software statement from the TVE Dashboard; used only when no client credentials are stored. */
  softwareStatement?: string;
  redirectUri?: string;
  /** Client credentials obtained elsewhere; take precedence over registration (and are never replaced). */
  clientCredentials?: ClientCredentials;
  store?: TokenStore;
  fetch?: (request: Request) => Promise<Response>;
  clock?: Clock;
  /** Renew this long before expiry (default: 5 minutes or 10 % of the lifetime, whichever is shorter). */
  refreshMarginMs?: number;
  userAgent?: string;
  /** Sees every DCR attempt and wait (never bodies). */
  logger?: Logger;
  /** Per-attempt timeout of the DCR calls. Default 15 s. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** 429 handling of the DCR calls (they are throttled like any other). */
  rateLimit?: RateLimitOptions;
  /** The pipeline to send DCR calls through; `createPassClient` passes its own (shared throttle). */
  send?: Send;
  /** Learns the secrets this manager handles, so messages and logs can leave them out. */
  redactor?: Redactor;
}

type Requested = AccessToken | 'invalid_client';

/** Owns the DCR state: one registration, one token request at a time, tokens reused until shortly before expiry. */
/** The expiry of a token whose lifetime the host did not say: later than any clock, and stored as a number (JSON has no Infinity). */
const UNKNOWN_EXPIRY = Number.MAX_SAFE_INTEGER;

/** The token request's path: the one DCR request that may be sent again. */
const TOKEN = '/o/client/token';

export class DcrTokenManager {
  private readonly store: TokenStore;
  private readonly clock: Clock;
  /** The clock spans are measured on (`steadyTime`). */
  private readonly time: () => number;
  /**
   * The token this process was given last, and when its lifetime ends on `time`: the stored expiry
   * is on the wall clock (shared with other processes), which a step back made reuse a token past
   * its lifetime, for Adobe to refuse (and the client to register again).
   */
  private obtained: { value: string; expiresAt: number } | undefined;
  private readonly redactor: Redactor;
  private readonly dcr;
  private readonly mutex = new Mutex();
  private readonly refreshing = new SharedFlight<string>();
  private readonly renewing = new SharedFlights<string>();
  private state: TokenState | undefined;
  /** The store refused the last save: `state` is newer than what it holds. */
  private unsaved = false;
  /** What the store held when this process last read or wrote it (JSON): a change means another process wrote. */
  private seen: string | undefined;

  constructor(private readonly options: DcrOptions) {
    checkBaseUrl('DcrTokenManager', options.baseUrl);
    // NaN made every token expire at once (a token request before every call).
    if (options.refreshMarginMs !== undefined) milliseconds('dcr.refreshMarginMs', options.refreshMarginMs);
    this.store = options.store ?? new MemoryTokenStore();
    this.clock = options.clock ?? systemClock;
    this.time = steadyTime(this.clock);
    this.redactor = options.redactor ?? new Redactor();
    this.redactor.add(options.softwareStatement, options.clientCredentials?.clientSecret);
    // A token request on a connection dropped under it goes again (it only gets another token); a registration does not.
    const send = resendDropped((call) => call.operation === TOKEN)(options.send ?? createSend({ ...options, throttle: new DeviceThrottle(false, { clock: this.clock }), clock: this.clock }));
    this.dcr = createClient<paths>({ baseUrl: options.baseUrl, fetch: toFetch(send, options.baseUrl) });
    this.dcr.use(contentTypeMiddleware(operations));
  }

  /** A valid access token: the cached one, or one renewal shared by every caller waiting for it. */
  async getAccessToken(options: { signal?: AbortSignal } = {}): Promise<string> {
    const cached = (this.state ?? (await this.reload())).accessToken;
    if (cached && this.isFresh(cached)) return cached.value;
    return this.refreshing.run((signal) => this.renew(undefined, false, signal), options.signal);
  }

  /**
   * `token` was refused: renew it (registering again first when `reregister`), unless another
   * caller, instance or process sharing the store already replaced it.
   */
  async invalidate(token: string, options: { reregister?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    await this.renewing.run(token, (signal) => this.renew(token, options.reregister ?? false, signal), options.signal).answer;
  }

  /**
   * Not expired (on the wall clock, and for the token this process was given, on its steady time too),
   * and sendable: a store edited by hand may hold a value no header can carry (it is replaced).
   */
  private isFresh(token: AccessToken): boolean {
    if (this.obtained?.value === token.value && this.time() >= this.obtained.expiresAt) return false;
    return this.clock.now() < token.expiresAt && sendableToken(token.value);
  }

  /**
   * Reads the store (again), learning its secrets so that messages leave them out. While the store
   * refuses saves, what this process holds is newer than what the store read back, and is kept,
   * until another process writes the store.
   * A store that cannot be read (a store service down) is logged, and what this process holds is
   * used when it holds client credentials: a renewal needs no store then. Without them, the call
   * fails rather than register again while the store may hold some.
   */
  private async reload(): Promise<TokenState> {
    let stored: TokenState;
    try {
      stored = (await this.store.load()) ?? {};
    } catch (error) {
      if (error instanceof PassError) throw error;
      // Thrown errors are PassErrors; the store's own message is left out (it may quote the state).
      if (!(this.state?.clientCredentials || this.options.clientCredentials)) throw new PassError(`the token store could not be read (${storeErrorCode(error)})`, { kind: 'store' });
      this.warn('store-not-read', `the token store could not be read (${storeErrorCode(error)}): this process renews with the client credentials it holds`);
      return (this.state ??= {});
    }
    this.redactor.add(stored.clientCredentials?.clientSecret, stored.accessToken?.value);
    const seen = JSON.stringify(stored);
    // Kept only while nobody else wrote the store: another process's newer state there wins (its
    // credentials are as good, and replacing them would register once more after a revocation).
    if (this.unsaved && this.state && seen === this.seen) return this.state;
    this.unsaved = false;
    this.seen = seen;
    this.state = stored;
    return this.state;
  }

  /**
   * Saves `state`, which this process uses from now on whether or not the store takes it. A save
   * that fails (a full disk, a store service refusing writes) is logged, and the next renewal saves
   * again: failing the call instead dropped newly registered credentials, so on a full disk every
   * call registered with Adobe again.
   */
  private async keep(state: TokenState): Promise<void> {
    this.state = state;
    try {
      await this.store.save(state);
      this.unsaved = false;
      this.seen = JSON.stringify(state);
    } catch (error) {
      // The store's own verdict (a path that is not a file) is the service's to fix, not to live with.
      if (error instanceof PassError) throw error;
      this.unsaved = true;
      this.warn('store-not-saved', `the token store did not save (${storeErrorCode(error)}): this process goes on with the client credentials and token it holds, and saves them with the next token`);
    }
  }

  private warn(warning: 'store-not-saved' | 'store-not-locked' | 'store-not-read', message: string): void {
    this.options.logger?.({ event: 'warning', warning, message });
  }

  /**
   * Runs `fn` under the store's lock, in turn with every process sharing the store. A lock that
   * cannot be taken for want of the resources it needs (a full disk has no room for the lock file)
   * is logged, and `fn` runs in turn with this process's callers only: all calls failed instead,
   * while Adobe would have answered them. Waiting in vain for a holder, and the caller's abort, still fail.
   */
  private async locked<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (!this.store.withLock) return this.mutex.run(fn, signal);
    let entered = false;
    try {
      return await this.store.withLock(() => {
        entered = true;
        return fn();
      }, { signal });
    } catch (error) {
      if (entered || error instanceof PassError || signal.aborted) throw error;
      this.warn('store-not-locked', `the token store could not be locked (${storeErrorCode(error)}): this process renews on its own, not in turn with others sharing the store`);
      return this.mutex.run(fn, signal);
    }
  }

  /** Under the store's lock: re-read, and only if nobody did it meanwhile, register and/or request a token. */
  private renew(failed: string | undefined, reregister: boolean, signal: AbortSignal): Promise<string> {
    return this.locked(async () => {
      const state = await this.reload();
      const current = state.accessToken;
      if (current && current.value !== failed && this.isFresh(current)) return current.value;

      const canRegister = !this.options.clientCredentials && !!this.options.softwareStatement;
      // Register again only if the stored registration is the one whose token was refused.
      const registrationRefused = reregister && failed !== undefined && current?.value === failed;
      // ...and not if that registration already replaced a refused one a moment ago: a refusal that
      // survives a new registration (a service provider the software statement does not cover:
      // invalid_access_token_service_provider) made every call register again. The caller gets the
      // refusal instead (the same token back: nothing is sent again).
      const again = state.reregisteredAt !== undefined && this.clock.now() - state.reregisteredAt < REREGISTER_COOLDOWN_MS;
      if (registrationRefused && again && current && this.isFresh(current)) return current.value;
      const replace = registrationRefused && canRegister && !again;
      let reregisteredAt = replace ? this.clock.now() : state.reregisteredAt;
      let registered = false;
      let credentials = this.options.clientCredentials ?? (replace ? undefined : state.clientCredentials);
      if (!credentials) {
        credentials = await this.register(signal, reregisteredAt);
        registered = true;
      }
      let token = await this.requestToken(credentials, signal);
      if (token === 'invalid_client' && canRegister && !registered) {
        // Stored credentials were revoked or expired: register again, once.
        reregisteredAt = this.clock.now();
        credentials = await this.register(signal, reregisteredAt);
        token = await this.requestToken(credentials, signal);
      }
      if (token === 'invalid_client') throw new PassError('DCR token request refused the client credentials (invalid_client)', { kind: 'credentials', status: 400, code: 'invalid_client', operation: 'POST /o/client/token' });
      await this.keep({ clientCredentials: credentials, accessToken: token, ...(reregisteredAt !== undefined ? { reregisteredAt } : {}) });
      return token.value;
    }, signal);
  }

  private async register(signal: AbortSignal, reregisteredAt: number | undefined): Promise<ClientCredentials> {
    if (!this.options.softwareStatement) throw new PassError('No client credentials stored and no software statement to register with', { kind: 'credentials' });
    const { data, error, response } = await this.dcr.POST('/o/client/register', {
      params: { header: this.headers() },
      body: { software_statement: this.options.softwareStatement, ...(this.options.redirectUri ? { redirect_uri: this.options.redirectUri } : {}) },
      signal,
    });
    if (!response.ok) throw this.failure('DCR registration', 'POST /o/client/register', response.status, error);
    const body = unusable('DCR registration', 'POST /o/client/register', response.status, data, ['client_id', 'client_secret']);
    const credentials = { clientId: body.client_id, clientSecret: body.client_secret };
    this.redactor.add(credentials.clientSecret);
    // Saved at once: a process that dies before its token request must not make the next one register again.
    await this.keep({ clientCredentials: credentials, ...(reregisteredAt !== undefined ? { reregisteredAt } : {}) });
    return credentials;
  }

  private async requestToken(credentials: ClientCredentials, signal: AbortSignal): Promise<Requested> {
    const { data, error, response } = await this.dcr.POST('/o/client/token', {
      params: { header: this.headers() },
      body: { client_id: credentials.clientId, client_secret: credentials.clientSecret, grant_type: 'client_credentials' },
      signal,
    });
    if (!response.ok) {
      if ((error as { error?: unknown } | undefined)?.error === 'invalid_client') return 'invalid_client';
      throw this.failure('DCR token request', 'POST /o/client/token', response.status, error);
    }
    const body = unusable('DCR token request', 'POST /o/client/token', response.status, data, ['access_token']);
    this.redactor.add(body.access_token);
    if (!sendableToken(body.access_token)) throw new PassError(`DCR token request: HTTP ${response.status} with an access_token an Authorization header cannot carry (only visible ASCII characters, RFC 6750); it is not used`, { kind: 'protocol', status: response.status, operation: 'POST /o/client/token' });
    // A lifetime the host omits or sends as nonsense (not a positive number of seconds) is unknown:
    // the token is used until the host refuses it (a 401 renews it), not renewed before every call.
    const seconds = Number(body.expires_in);
    if (!(Number.isFinite(seconds) && seconds > 0)) return { value: body.access_token, expiresAt: UNKNOWN_EXPIRY };
    const lifetimeMs = seconds * 1000;
    const margin = this.options.refreshMarginMs ?? Math.min(5 * 60_000, lifetimeMs / 10);
    this.obtained = { value: body.access_token, expiresAt: this.time() + lifetimeMs - margin };
    return { value: body.access_token, expiresAt: this.clock.now() + lifetimeMs - margin };
  }

  /**
   * Only the OAuth error code, and only if it looks like one: the body may echo a secret. A refusal
   * (4xx) is about the credentials; a server error (5xx, which the DCR pages do not document) is
   * the host failing for a moment, as an API call's 5xx page is: `unexpected-response`, which a
   * poll waits through, not `credentials`, which stops it and sends people to the TVE Dashboard.
   */
  private failure(what: string, operation: string, status: number, error: unknown): PassError {
    const code = safeCode((error as { error?: unknown } | undefined)?.error, this.redactor);
    return new PassError(`${what} failed: HTTP ${status}${code ? ` (${code})` : ''}`, { kind: status >= 500 ? 'unexpected-response' : 'credentials', status, operation, ...(code ? { code } : {}) });
  }

  private headers() {
    return {
      Accept: 'application/json',
      'X-Device-Info': this.options.deviceInfo,
      ...(this.options.userAgent ? { 'User-Agent': this.options.userAgent } : {}),
    };
  }
}

/** A store error's code (ENOSPC) or class, never its message: a store's message may quote the state it was given. */
function storeErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(code) ? code : errorName(error);
}

/**
 * Throws when a successful DCR answer lacks a field the client goes on with, or holds one that is
 * not a non-empty string: without it the client stored credentials that could never work and
 * reported the next refusal as `invalid_client`, or sent `Bearer undefined` on every call. Names
 * the fields, never their values.
 */
function unusable<T extends object>(what: string, operation: string, status: number, data: T | null | undefined, fields: (keyof T & string)[]): T {
  const bad = fields.filter((f) => {
    const value = (data as Record<string, unknown> | null | undefined)?.[f];
    return typeof value !== 'string' || value === '';
  });
  if (bad.length > 0 || !data) throw new PassError(`${what}: HTTP ${status} without a usable ${bad.join(' and ')} (missing, empty or not a string)`, { kind: 'protocol', status, operation });
  return data;
}
