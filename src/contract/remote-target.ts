// A real host as a target: credentials and ids from the environment, the run's own DCR, pacing
// that never causes a 429, and a 429 that is waited out and retried a bounded number of times.
import { connect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { certificateProblem, decodeDeviceInfo, HeaderFormatError, retryAfterMs } from 'pass-contract-client';
import type { JsonObject, Operation } from '../description/document.ts';
import type { Description } from '../description/index.ts';
import type { Case, CaseRequest } from './cases.ts';
import type { ResponseChecker } from './check-response.ts';
import { DcrSession, REGISTER_PATH, TOKEN_PATH, type PacedResult } from './dcr.ts';
import { exchange, HttpFailure, type Bounds, type FetchLike } from '../http/exchange.ts';
import { endpoint, fetchThroughEnvProxy, proxyFor, proxySecrets } from '../http/proxy.ts';
import { Pacer, type PaceOptions } from './pacer.ts';
import { urlPasswords, type Redactor } from './redact.ts';
import { buildInit, buildUrl } from './request.ts';
import { ConnectError, UsageError, type OpenContext, type Sent, type Target } from './target.ts';

export const ENV = {
  softwareStatement: 'PASS_SOFTWARE_STATEMENT',
  clientId: 'PASS_CLIENT_ID',
  clientSecret: 'PASS_CLIENT_SECRET',
  serviceProvider: 'PASS_SERVICE_PROVIDER',
  mvpd: 'PASS_MVPD',
  deviceInfo: 'PASS_DEVICE_INFO',
} as const;

/**
 * The environment with each PASS_* value trimmed, and a blank one unset: a credential pasted into a
 * CI secret often keeps its line break, which no software statement, client secret or id has, and
 * which Adobe would refuse (the redactor learns both, as given and trimmed). PASS_DEVICE_INFO, a
 * base64 value, loses every line break and space: `base64 device.json` wraps its output every 76
 * characters, and a header cannot hold a line break (fetch refused every request).
 */
export function passEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of Object.values(ENV)) out[name] = (name === ENV.deviceInfo ? env[name]?.replace(/\s+/g, '') : env[name]?.trim()) || undefined;
  return out;
}

export interface RemoteOptions {
  url: URL;
  label: string;
  env: Record<string, string | undefined>;
  description: Description;
  checker: ResponseChecker;
  redactor: Redactor;
  bounds: Omit<Bounds, 'signal'>;
  fetch?: FetchLike;
  pace?: PaceOptions;
  /** Retries of a request answered 429 (default 2), then the case is not checked. */
  maxRetries?: number;
  /** How long the connect probe may take (ms, default 5 s). */
  probeTimeoutMs?: number;
  /** A host this run started on this machine (the simulator): reached directly, never through the environment's proxy. */
  direct?: boolean;
}

/**
 * Opens (and closes) one connection to the host, with a TLS handshake for https: an unreachable
 * host, or one whose certificate this machine does not trust, fails here, in seconds, before any
 * request (each would fail the same way, and the run would stop as if the host had stopped answering).
 * The handshake trusts what Node's fetch trusts (Node's CA store and NODE_EXTRA_CA_CERTS). Through a
 * proxy, the proxy is what this machine connects to (the handshake with the host goes through its
 * tunnel, with the first request).
 */
export function probe(url: URL, timeoutMs: number, signal?: AbortSignal, direct = false): Promise<void> {
  const proxy = direct ? undefined : proxyFor(url);
  const { host, port } = endpoint(proxy ?? url);
  const cannot = proxy
    ? `cannot connect to the proxy ${host}:${port} that the environment names (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY or npm's proxy setting; NO_PROXY lists hosts reached directly)`
    : `cannot connect to ${host}:${port}`;
  const tls = !proxy && url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const options = { host, port, timeout: timeoutMs, ...(signal ? { signal } : {}) };
    // SNI takes a host name only; an address is checked against the certificate's IP entries.
    const socket = tls ? tlsConnect({ ...options, ...(isIP(host) ? {} : { servername: host }), ALPNProtocols: ['http/1.1'] }) : connect(options);
    const fail = (message: string) => {
      socket.destroy();
      reject(new ConnectError(`${cannot}: ${message}`));
    };
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      socket.end();
      socket.destroy();
      resolve();
    });
    // Past the TCP connection, a failure is the handshake's.
    let connected = false;
    socket.once('connect', () => (connected = true));
    socket.once('timeout', () => fail(`no ${connected ? 'TLS handshake' : 'connection'} within ${timeoutMs} ms`));
    socket.once('error', (e: Error & { code?: string }) => fail(tls && connected && !signal?.aborted ? (certificateProblem(e.code) ?? `the TLS handshake failed (${e.code ?? e.message})`) : (e.code ?? e.message)));
  });
}

export class RemoteTarget implements Target {
  readonly mode = 'remote';
  readonly label: string;
  /** The base URL requests go to: credentials in the URL only name the host, they are never sent. */
  private readonly base: string;
  private readonly pacer: Pacer;
  private readonly fetch: FetchLike;
  private readonly deviceInfo: string;
  private readonly dcrOps: { register?: Operation; token?: Operation };
  private dcr: DcrSession | undefined;

  /** The PASS_* values as the run uses them (passEnv). */
  private readonly env: Record<string, string | undefined>;

  constructor(private readonly o: RemoteOptions) {
    const env = (this.env = passEnv(o.env));
    const missing: string[] = [];
    if (!env[ENV.softwareStatement] && !(env[ENV.clientId] && env[ENV.clientSecret])) missing.push(`${ENV.softwareStatement} (or ${ENV.clientId} and ${ENV.clientSecret})`);
    if (!env[ENV.serviceProvider]) missing.push(ENV.serviceProvider);
    if (!env[ENV.mvpd]) missing.push(ENV.mvpd);
    if (missing.length > 0) throw new UsageError(`--target ${o.label} needs these environment variables: ${missing.join(', ')}`);
    // A value Adobe refuses (400 invalid_header_device_info on every call) would read as drift of
    // every operation; it is the environment that is wrong, so the run does not start.
    const givenDeviceInfo = env[ENV.deviceInfo];
    if (givenDeviceInfo !== undefined) {
      try {
        decodeDeviceInfo(givenDeviceInfo);
      } catch (error) {
        if (!(error instanceof HeaderFormatError)) throw error;
        throw new UsageError(`${ENV.deviceInfo} is not an X-Device-Info value (base64 of a JSON object with model, version, osName, osVersion and connectionType): ${error.message.replace(/^X-Device-Info: /, '')}`);
      }
    }
    this.label = o.label;
    const base = new URL(o.url.href);
    base.username = '';
    base.password = '';
    this.base = base.href.replace(/\/$/, '');
    this.pacer = new Pacer(o.pace);
    this.fetch = o.fetch ?? (o.direct ? (r) => globalThis.fetch(r) : fetchThroughEnvProxy());
    // Without PASS_DEVICE_INFO, the description's own example of X-Device-Info.
    const param = o.description.operations.flatMap((op) => op.parameters).find((p) => p.name === 'X-Device-Info') as unknown as JsonObject | undefined;
    this.deviceInfo = givenDeviceInfo ?? String(param?.example ?? '');
    this.dcrOps = {
      register: o.description.operations.find((op) => op.path === REGISTER_PATH),
      token: o.description.operations.find((op) => op.path === TOKEN_PATH),
    };
    // The URL's own password (https://user:pw@host) is a secret too, and so is the proxy's.
    const proxy = o.direct ? undefined : proxyFor(o.url);
    o.redactor.learn(...urlPasswords(o.url), ...(proxy ? proxySecrets(proxy) : []));
  }

  async open({ signal, emit }: OpenContext): Promise<void> {
    await probe(this.o.url, this.o.probeTimeoutMs ?? 5000, signal, this.o.direct);
    const env = this.env;
    this.dcr = new DcrSession({
      ...this.dcrOps,
      ...(env[ENV.softwareStatement] ? { softwareStatement: env[ENV.softwareStatement] } : {}),
      ...(env[ENV.clientId] && env[ENV.clientSecret] ? { clientCredentials: { clientId: env[ENV.clientId]!, clientSecret: env[ENV.clientSecret]! } } : {}),
      deviceInfo: this.deviceInfo,
      paced: (path, init, s) => this.paced(`${this.base}${path}`, init, s),
      checker: this.o.checker,
      redactor: this.o.redactor,
      emit,
      now: () => this.pacer.now,
    });
  }

  select(cases: Case[], includeStateChanging: boolean) {
    const skipped: { id: string; reason: string }[] = [];
    const run: Case[] = [];
    const dcrIds = new Set([this.dcrOps.register?.operationId, this.dcrOps.token?.operationId]);
    for (const c of cases) {
      // The documented DCR samples carry sample credentials a real host rejects: the run's own
      // registration and token request are checked instead.
      if (c.kind === 'example' && dcrIds.has(c.operationId)) skipped.push({ id: c.id, reason: 'replaced by this run\'s own registration and token request' });
      else if (c.stateChanging && !includeStateChanging) skipped.push({ id: c.id, reason: 'changes state at Adobe; pass --include-state-changing' });
      else run.push(c);
    }
    return { run, skipped };
  }

  /**
   * One request at the pacer's pace; a 429 is waited out and retried, at most maxRetries times. A
   * GET or token request whose connection closed under it without an answer goes again, once, at
   * the next turn: paced a second apart, every request follows a pause in which a front end that
   * drops idle connections sooner than undici (4 s), without announcing it, may close the one it
   * goes out on. A POST that acts (a session, a decision, a registration) is not sent again.
   */
  private async paced(url: string, init: RequestInit, signal: AbortSignal): Promise<PacedResult> {
    const maxRetries = this.o.maxRetries ?? 2;
    const repeatable = (init.method ?? 'GET') === 'GET' || new URL(url).pathname.endsWith(TOKEN_PATH);
    let reconnected = false;
    for (let attempt = 1; ; attempt++) {
      await this.pacer.turn(signal);
      let response;
      try {
        response = await exchange(this.fetch, url, init, { ...this.o.bounds, signal });
      } catch (error) {
        if (!(repeatable && !reconnected && error instanceof HttpFailure && error.dropped)) throw error;
        reconnected = true;
        continue;
      } finally {
        this.pacer.done();
      }
      if (response.status !== 429) return { exchange: response, attempts: attempt };
      const wait = this.pacer.holdOff(retryAfterMs(response.headers, this.pacer.now));
      // The attempt that met a dropped connection got no answer: it is not one of the 429s.
      const throttled = reconnected ? attempt - 1 : attempt;
      if (throttled > maxRetries) return { throttled: `throttled: 429 on all ${throttled} attempts (waited ≥ ${wait} ms between them)`, attempts: attempt };
    }
  }

  private async prepare(request: CaseRequest, signal: AbortSignal): Promise<CaseRequest | { unavailable: string }> {
    const env = this.env;
    const headers = { ...request.headers };
    // Sent from this machine, not relayed for a device: Adobe must see our own address.
    delete headers['X-Forwarded-For'];
    if (env[ENV.deviceInfo] && headers['X-Device-Info']) headers['X-Device-Info'] = env[ENV.deviceInfo]!;
    if ('Authorization' in headers) {
      const token = await this.dcr!.accessToken(signal);
      if (typeof token !== 'string') return token;
      headers.Authorization = `Bearer ${token}`;
    }
    const path = { ...request.path };
    if ('serviceProvider' in path && path.serviceProvider !== '') path.serviceProvider = env[ENV.serviceProvider]!;
    if ('mvpd' in path && path.mvpd !== '') path.mvpd = env[ENV.mvpd]!;
    return { ...request, path, headers };
  }

  async send(c: Case, signal: AbortSignal): Promise<Sent> {
    if (!this.dcr) throw new Error('RemoteTarget.send() before open()');
    const request = await this.prepare(c.request, signal);
    if ('unavailable' in request) return { request: c.request, notChecked: `no access token (${request.unavailable})`, attempts: 0 };
    const sent = await this.paced(buildUrl(this.base, request), buildInit(request), signal);
    return 'throttled' in sent ? { request, notChecked: sent.throttled, attempts: sent.attempts } : { request, exchange: sent.exchange, attempts: sent.attempts };
  }

  async close(): Promise<void> {}
}
