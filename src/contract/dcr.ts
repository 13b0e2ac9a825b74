// The run's own Dynamic Client Registration against a real host: register at most once, request
// at most MAX_TOKEN_REQUESTS tokens, and check both responses like any case (reported under their
// operations). Everything they issue is learned by the redactor before anything is shown.
import { sendableToken } from 'pass-contract-client';
import type { Json, Operation } from '../description/document.ts';
import { unavailableMessage, type ResponseChecker } from './check-response.ts';
import { HttpFailure, type Exchange } from '../http/exchange.ts';
import type { Redactor } from './redact.ts';
import { settle, type CaseResult } from './results.ts';

export const REGISTER_PATH = '/o/client/register';
export const TOKEN_PATH = '/o/client/token';
/** An initial token and one renewal when it expires: a drifting token response never multiplies traffic. */
export const MAX_TOKEN_REQUESTS = 2;

export type PacedResult = { exchange: Exchange; attempts: number } | { throttled: string; attempts: number };
export type Paced = (path: string, init: RequestInit, signal: AbortSignal) => Promise<PacedResult>;

export interface DcrOptions {
  register?: Operation;
  token?: Operation;
  softwareStatement?: string;
  clientCredentials?: { clientId: string; clientSecret: string };
  deviceInfo: string;
  paced: Paced;
  checker: ResponseChecker;
  redactor: Redactor;
  emit: (result: CaseResult) => void;
  now: () => number;
}

const field = (body: Json | undefined, name: string): Json | undefined =>
  body && typeof body === 'object' && !Array.isArray(body) ? body[name] : undefined;

function parse(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** Every string in a DCR response long enough to be a credential (a drifted response may rename its fields). */
function strings(value: Json | undefined, out: string[] = []): string[] {
  if (typeof value === 'string' && value.length >= 12) out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

export class DcrSession {
  private credentials: { clientId: string; clientSecret: string } | undefined;
  private registered = false;
  private token: { value: string; expiresAt: number } | undefined;
  private tokenRequests = 0;
  private failure: string | undefined;
  private pending: Promise<string | { unavailable: string }> | undefined;

  constructor(private readonly o: DcrOptions) {
    this.credentials = o.clientCredentials;
    o.redactor.learn(o.softwareStatement, o.clientCredentials?.clientId, o.clientCredentials?.clientSecret);
  }

  /** The access token for the cases, or why there is none (then those cases are not checked). */
  accessToken(signal: AbortSignal): Promise<string | { unavailable: string }> {
    this.pending ??= this.obtain(signal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async obtain(signal: AbortSignal): Promise<string | { unavailable: string }> {
    if (this.token && this.o.now() < this.token.expiresAt) return this.token.value;
    if (this.failure) return { unavailable: this.failure };
    if (this.tokenRequests >= MAX_TOKEN_REQUESTS) {
      // Out of token requests: keep using the last token rather than asking again.
      return this.token ? this.token.value : { unavailable: 'no token request left' };
    }
    const credentials = this.credentials ?? (await this.register(signal));
    if (!credentials) return { unavailable: this.failure ?? 'registration failed' };
    this.tokenRequests++;
    const form = new URLSearchParams({ client_id: credentials.clientId, client_secret: credentials.clientSecret, grant_type: 'client_credentials' });
    const body = await this.call(this.o.token, 'retrieveAccessToken', `token request ${this.tokenRequests} (this run)`, TOKEN_PATH, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', 'X-Device-Info': this.o.deviceInfo },
      body: form.toString(),
    }, signal);
    const value = field(body, 'access_token');
    if (typeof value !== 'string' || value === '') {
      this.failure ??= 'the token response carries no access_token';
      return this.token ? this.token.value : { unavailable: this.failure };
    }
    // Not sent: fetch's Headers refused it with a TypeError quoting the header (the drift report
    // already names the pattern it breaks).
    if (!sendableToken(value)) {
      this.failure ??= 'the token response carries an access_token an Authorization header cannot carry';
      return this.token ? this.token.value : { unavailable: this.failure };
    }
    const expiresIn = field(body, 'expires_in');
    // A drifted expires_in (missing, a string, negative) keeps the token for the whole run.
    const lifetimeMs = typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : Infinity;
    this.token = { value, expiresAt: this.o.now() + lifetimeMs - Math.min(60_000, lifetimeMs / 10) };
    return value;
  }

  private async register(signal: AbortSignal): Promise<{ clientId: string; clientSecret: string } | undefined> {
    if (this.registered) return this.credentials;
    this.registered = true; // once per run, whatever happens
    if (!this.o.softwareStatement) {
      this.failure = 'no software statement and no client credentials';
      return undefined;
    }
    const body = await this.call(this.o.register, 'retrieveClientCredentials', 'registration (this run)', REGISTER_PATH, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-Device-Info': this.o.deviceInfo },
      body: JSON.stringify({ software_statement: this.o.softwareStatement }),
    }, signal);
    const clientId = field(body, 'client_id');
    const clientSecret = field(body, 'client_secret');
    if (typeof clientId !== 'string' || typeof clientSecret !== 'string' || !clientId || !clientSecret) {
      this.failure ??= 'the registration response carries no client_id and client_secret';
      return undefined;
    }
    this.credentials = { clientId, clientSecret };
    return this.credentials;
  }

  /** Sends one DCR request, learns what it issued, reports it under its operation; returns the parsed body. */
  private async call(op: Operation | undefined, operationId: string, name: string, path: string, init: RequestInit, signal: AbortSignal): Promise<Json | undefined> {
    const t0 = performance.now();
    const base = { id: `${operationId} › ${name}`, operationId, kind: 'dcr' as const, name, request: { method: 'POST', path }, drifts: [] };
    let sent: PacedResult;
    try {
      sent = await this.o.paced(path, init, signal);
    } catch (error) {
      const message = error instanceof HttpFailure ? `${error.kind}: ${error.message}` : (error as Error).message;
      this.failure ??= `${name}: ${message}`;
      if (!(error instanceof HttpFailure && error.kind === 'aborted')) {
        this.o.emit({ ...base, outcome: 'error', error: this.o.redactor.text(message), durationMs: performance.now() - t0 });
      }
      if (error instanceof HttpFailure && error.kind === 'aborted') throw error;
      return undefined;
    }
    if ('throttled' in sent) {
      this.failure ??= `${name}: ${sent.throttled}`;
      this.o.emit({ ...base, outcome: 'not-checked', error: sent.throttled, attempts: sent.attempts, durationMs: performance.now() - t0 });
      return undefined;
    }
    const { exchange } = sent;
    if (op && this.o.checker.unavailable(op, exchange.status)) {
      this.failure ??= `${name}: ${unavailableMessage(exchange.status)}`;
      this.o.emit({ ...base, outcome: 'error', status: exchange.status, error: unavailableMessage(exchange.status), attempts: sent.attempts, durationMs: performance.now() - t0 });
      return undefined;
    }
    const body = parse(exchange.body);
    // Learn before anything is shown: the issued id, secret and token, under whatever field names.
    this.o.redactor.learn(...['client_id', 'client_secret', 'access_token'].map((k) => field(body, k)).filter((v): v is string => typeof v === 'string'), ...strings(body));
    const drifts = op
      ? this.o.checker.check(op, { status: exchange.status, headers: exchange.headers, body: exchange.body, url: exchange.url, ...(exchange.notUtf8 ? { notUtf8: exchange.notUtf8 } : {}) }, { redactor: this.o.redactor })
      : [];
    if (exchange.status < 200 || exchange.status > 299) this.failure ??= `${name} answered HTTP ${exchange.status}`;
    this.o.emit(settle({
      ...base, outcome: 'pass', drifts, status: exchange.status, contentType: exchange.headers.get('content-type') ?? '', attempts: sent.attempts, durationMs: performance.now() - t0,
    }));
    return exchange.status >= 200 && exchange.status <= 299 ? body : undefined;
  }
}
