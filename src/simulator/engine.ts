// The simulator as a function from request to response: control API, MVPD pages, Adobe's throttle,
// routing by the description, faults, validation with documented error codes, then one handler
// per operation. No sockets here (server.ts is the HTTP edge), so tests call it directly.
import type { Description } from '../description/index.ts';
import type { Operation } from '../description/document.ts';
import { enhancedError, errorPage } from '../description/errors.ts';
import { createVirtualClock, type SimClock } from './clock.ts';
import type { OpRequest, RuntimeSettings, SimContext } from './context.ts';
import { corsHeaders, preflightAnswer } from '../http/cors.ts';
import { controlApi } from './control.ts';
import { delay, hang, planFaults } from './faults.ts';
import { retrieveConfiguration } from './handlers/configuration.ts';
import { retrieveAccessToken, retrieveClientCredentials, type TokenRecord } from './handlers/dcr.ts';
import { retrieveAuthorizationDecisions, retrievePreauthorizationDecisions } from './handlers/decisions.ts';
import { initiateLogout } from './handlers/logout.ts';
import { retrievePartnerAuthenticationRequest, retrievePartnerProfile } from './handlers/partner.ts';
import { retrieveProfileForCode, retrieveProfileForMvpd, retrieveProfiles } from './handlers/profiles.ts';
import { createAuthenticationSession, performAuthentication, resumeAuthenticationSession, retrieveAuthenticationSession } from './handlers/sessions.ts';
import { mvpdPage } from './mvpd-pages.ts';
import { createRandom } from './random.ts';
import { html, json, THROTTLED_HTML, type SimResponse } from './reply.ts';
import type { Scenario } from './scenario.ts';
import { MemoryStore, type StateStore } from './store.ts';
import { admit, THROTTLED, throttleKey } from './throttle.ts';
import { RequestValidator } from './validate.ts';

export type { SimResponse } from './reply.ts';

export interface SimRequest {
  method: string;
  /** Path and query, as on the request line. */
  url: string;
  /** Lower-cased names. */
  headers: Record<string, string | undefined>;
  body?: string;
  remoteAddress: string;
  remotePort?: number;
  /** Scheme, host and port the client used (absolute URLs in Location and logout urls). */
  origin: string;
  /** Aborts when the client goes away or the simulator closes: ends latency and hangs. */
  signal: AbortSignal;
}

export interface SimulatorOptions {
  description: Description;
  scenario: Scenario;
  /** Default: an in-memory store bounded by the scenario's limits. */
  store?: StateStore;
  /** Default: a virtual clock over Date.now. */
  clock?: SimClock;
  /** Called once per answered request (for --verbose and tests). */
  onRequest?: (entry: { method: string; path: string; status: number; operationId?: string; violation?: string }) => void;
}

export type Handler = (ctx: SimContext, r: OpRequest) => Promise<SimResponse>;

const HANDLERS: Record<string, Handler> = {
  retrieveClientCredentials, retrieveAccessToken, retrieveConfiguration,
  createAuthenticationSession, resumeAuthenticationSession, retrieveAuthenticationSession, performAuthentication,
  retrieveProfiles, retrieveProfileForMvpd, retrieveProfileForCode,
  retrievePreauthorizationDecisions, retrieveAuthorizationDecisions, initiateLogout,
  retrievePartnerAuthenticationRequest, retrievePartnerProfile,
};

/** Strips the IPv4-mapped prefix so session information reports a plain IPv4 address. */
const plainAddress = (a: string) => a.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

export class Simulator {
  readonly ctx: SimContext;
  private readonly onRequest: SimulatorOptions['onRequest'];
  requests = 0;

  constructor(o: SimulatorOptions) {
    const missing = o.description.operations.filter((op) => !HANDLERS[op.operationId]).map((op) => op.operationId);
    if (missing.length) throw new Error(`the simulator has no handler for ${missing.join(', ')}`);
    const clock = o.clock ?? createVirtualClock();
    const random = createRandom(o.scenario.seed);
    this.ctx = {
      description: o.description,
      scenario: o.scenario,
      clock,
      random,
      store: o.store ?? new MemoryStore({ now: () => clock.now(), maxEntries: o.scenario.limits.maxEntries }),
      // Through ctx: reset() replaces the stream, and error traces must replay with the rest.
      validator: new RequestValidator(o.description.doc, o.description.validator, () => this.ctx.random.uuid()),
      runtime: initialRuntime(o.scenario),
    };
    this.onRequest = o.onRequest;
  }

  /** Back to the scenario's start: no state, the scenario's faults and degradation, clock and seed reset. */
  async reset(): Promise<void> {
    await this.ctx.store.clear();
    this.ctx.clock.reset();
    this.ctx.random = createRandom(this.ctx.scenario.seed);
    this.ctx.runtime = initialRuntime(this.ctx.scenario);
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    this.requests++;
    const q = req.url.indexOf('?');
    const pathname = q < 0 ? req.url : req.url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
    const method = req.method.toUpperCase();
    let operationId: string | undefined;
    let violation: string | undefined;
    let response: SimResponse;
    // Adobe's paths answer pages of other origins (src/http/cors.ts); the control API and the MVPD's
    // pages, which are the simulator's own, do not.
    const adobePath = !pathname.startsWith('/_');
    const preflight = adobePath ? preflightAnswer(method, req.headers) : undefined;
    try {
      if (preflight) {
        response = preflight;
      } else if (pathname === '/_sim' || pathname.startsWith('/_sim/')) {
        response = await controlApi(this, method, pathname, query, req.body);
      } else if (pathname.startsWith('/_mvpd/') || pathname.startsWith('/adobe-services/')) {
        response = (await mvpdPage(this.ctx, method, pathname, query, req.body)) ?? { status: 404, headers: {}, body: '' };
      } else {
        const out = await this.api(req, method, pathname, query);
        ({ response, operationId, violation } = out);
      }
    } catch (error) {
      if (req.signal.aborted) throw error;
      response = { status: 500, headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: `simulator failure: ${(error as Error).message}` };
    }
    const cors = adobePath && !preflight ? corsHeaders(req.headers) : undefined;
    if (cors) response = { ...response, headers: { ...response.headers, ...cors } };
    this.onRequest?.({ method, path: pathname, status: response.status, ...(operationId ? { operationId } : {}), ...(violation ? { violation } : {}) });
    return response;
  }

  private async api(req: SimRequest, method: string, pathname: string, query: URLSearchParams): Promise<{ response: SimResponse; operationId?: string; violation?: string }> {
    const { ctx } = this;
    const { router } = ctx.description;
    const ip = plainAddress(throttleKey(req.headers['x-forwarded-for'], req.remoteAddress));
    if (ctx.scenario.throttle.enabled && THROTTLED.test(pathname) && !(await admit(ctx.store, ip, ctx.clock.now(), ctx.scenario.throttle))) {
      return { response: { status: 429, headers: { 'Content-Type': 'text/html' }, body: THROTTLED_HTML }, violation: 'throttled' };
    }
    const match = router.route(method, pathname);
    if (!match) {
      const allowed = router.allowed(pathname);
      if (allowed.length) return { response: { status: 405, headers: { Allow: allowed.join(', ') }, body: '' }, violation: `method ${method}` };
      const near = router.emptyParameter(method, pathname);
      if (near) {
        const failed = ctx.validator.rejectPathParameter(near.op, near.param, `path ${near.param}: empty`);
        return { response: failed.reply, operationId: near.op.operationId, violation: failed.violation };
      }
      return { response: { status: 404, headers: {}, body: '' } };
    }
    if (match.kind === 'bad-escape') {
      const failed = ctx.validator.rejectPathParameter(match.op, match.param, `path ${match.param}: ${JSON.stringify(match.raw.slice(0, 80))} is not valid percent-encoding`);
      return { response: failed.reply, operationId: match.op.operationId, violation: failed.violation };
    }
    const { op } = match;
    const plan = planFaults(ctx.runtime.faults, op.operationId, ctx.random);
    if (plan?.latencyMs) await delay(plan.latencyMs, req.signal);
    if (plan?.hang) await hang(req.signal);

    const checked = ctx.validator.check(op, { path: match.path, query, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}) });
    if (!checked.ok) return { response: checked.reply, operationId: op.operationId, violation: checked.violation };

    const r: OpRequest = { op, path: match.path, query, headers: req.headers, body: checked.body, origin: req.origin, ip, remotePort: req.remotePort ?? 0 };
    const refused = await this.authorize(op, r, checked.token);
    if (refused) return { response: refused.reply, operationId: op.operationId, violation: refused.violation };
    if (plan?.error) {
      if (op.operationId === 'retrieveAuthorizationDecisions' || op.operationId === 'retrievePreauthorizationDecisions') r.faultError = plan.error;
      else return { response: this.faultReply(op, plan.error), operationId: op.operationId, violation: `fault ${plan.error.code}` };
    }
    return { response: await HANDLERS[op.operationId]!(ctx, r), operationId: op.operationId };
  }

  /** Access token, then the service provider: known to the scenario, and one the token may call. */
  private async authorize(op: Operation, r: OpRequest, token: string | undefined) {
    const { ctx } = this;
    if (op.needsAccessToken) {
      const record = await ctx.store.get<TokenRecord>('tokens', token!);
      if (!record || record.expiresAt <= ctx.clock.now()) return ctx.validator.fail(op, ['invalid_access_token_client_application'], 'Authorization: the access token is unknown or has expired', 401);
      r.client = { clientId: record.clientId, serviceProviders: record.serviceProviders };
    }
    const sp = r.path.serviceProvider;
    if (sp !== undefined) {
      if (!ctx.scenario.serviceProviders[sp]) {
        if (!op.needsAccessToken) return { reply: ctx.validator.bare(op, 400), violation: `service provider ${sp} unknown` };
        return ctx.validator.fail(op, ['invalid_parameter_service_provider'], `service provider ${sp} is unknown`);
      }
      if (r.client && !r.client.serviceProviders.includes(sp)) return ctx.validator.fail(op, ['invalid_access_token_service_provider'], `the access token was not issued for ${sp}`, 401);
    }
    return undefined;
  }

  private faultReply(op: Operation, error: { code: string; status?: number }): SimResponse {
    const entry = this.ctx.validator.entry(error.code);
    const status = error.status ?? entry.status;
    const documentsHtml = op.operationId === 'performAuthentication';
    return documentsHtml ? html(status, errorPage(status, entry.code, 'injected fault')) : json(status, enhancedError(entry, this.ctx.random.uuid(), 'injected fault', status));
  }
}

function initialRuntime(scenario: Scenario): RuntimeSettings {
  return { faults: scenario.faults.map((f) => ({ ...f })), degradation: {} };
}
