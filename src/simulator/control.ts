// The control API under /_sim: reset, read state, move the virtual clock, set faults and
// degradation, and helpers a test needs (a partner SAML response, media token verification).
import { createHash } from 'node:crypto';
import type { JsonObject } from '../description/document.ts';
import type { Simulator } from './engine.ts';
import { verifyMediaToken } from './handlers/decisions.ts';
import { samlResponse } from './handlers/partner.ts';
import { json, type SimResponse } from './reply.ts';
import { DEGRADATION_RULES as RULES, normalizeFault, parseDuration, validateFault, type DegradationRule } from './scenario.ts';
import { NAMESPACES, type Namespace } from './store.ts';
const MAX_BODY = 64 * 1024;

const problem = (status: number, error: string) => json(status, { error });
const digest = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex').slice(0, 16)}`;

/** Snapshot values with secrets replaced: no client secret, access token or media token, not even a prefix. */
function redact(ns: Namespace, key: string, value: unknown): [string, unknown] {
  if (ns === 'tokens' || ns === 'mediaTokens') return [digest(key), value];
  if (ns === 'clients') return [key, { ...(value as JsonObject), clientSecret: '[redacted]' }];
  return [key, value];
}

function parseBody(body: string | undefined): { ok: true; value: unknown } | { ok: false; reply: SimResponse } {
  if (!body) return { ok: true, value: undefined };
  if (body.length > MAX_BODY) return { ok: false, reply: problem(413, `body larger than ${MAX_BODY} bytes`) };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    return { ok: false, reply: problem(400, `body is not JSON: ${(error as Error).message}`) };
  }
}

const CONTROL_ENDPOINTS = {
  'GET /_sim': 'this list',
  'POST /_sim/reset': 'forget all state; faults, degradation, clock and seed back to the scenario',
  'GET /_sim/state[?namespace=profiles]': 'what the simulator holds (secrets redacted)',
  'GET /_sim/stats[?gc=1]': 'entry counts, requests served, memory (gc first when node runs with --expose-gc)',
  'GET /_sim/clock': 'simulated time',
  'POST /_sim/clock {"advance": "31m" | ms}': 'move simulated time forward (expire codes, tokens, profiles, TempPass)',
  'GET|PUT|POST|DELETE /_sim/faults': 'read, replace (array), add (object) or clear faults',
  'PUT /_sim/degradation/{mvpd} {"rule": "AuthNAll|AuthZAll|AuthZNone|none"}': 'apply or lift a degradation rule',
  'POST /_sim/partner/{partner}/saml-response {"mvpd", "username"}': 'the SAML response the partner framework would get from the MVPD',
  'POST /_sim/media-tokens/verify {"serializedToken", "resource"?}': 'check a media token as the Media Token Verifier would (one use)',
};

export async function controlApi(sim: Simulator, method: string, pathname: string, query: URLSearchParams, body: string | undefined): Promise<SimResponse> {
  const { ctx } = sim;
  const parsed = parseBody(body);
  if (!parsed.ok) return parsed.reply;
  const input = parsed.value;
  const route = `${method} ${pathname.replace(/\/$/, '')}`;

  if (route === 'GET /_sim') return json(200, { endpoints: CONTROL_ENDPOINTS });
  if (route === 'POST /_sim/reset') {
    await sim.reset();
    return json(200, { reset: true, now: ctx.clock.now() });
  }
  if (route === 'GET /_sim/clock') return json(200, { now: ctx.clock.now(), offsetMs: ctx.clock.offset() });
  if (route === 'POST /_sim/clock') {
    const advance = (input as { advance?: unknown } | undefined)?.advance;
    let ms: number;
    try {
      ms = typeof advance === 'number' || typeof advance === 'string' ? parseDuration(advance) : Number.NaN;
    } catch {
      ms = Number.NaN;
    }
    if (!Number.isFinite(ms) || ms < 0) return problem(400, 'body must be {"advance": <milliseconds or a duration such as "31m">}');
    try {
      ctx.clock.advance(ms);
    } catch (error) {
      return problem(400, (error as Error).message);
    }
    return json(200, { now: ctx.clock.now(), offsetMs: ctx.clock.offset() });
  }
  if (route === 'GET /_sim/state') {
    const wanted = query.get('namespace');
    if (wanted && !(NAMESPACES as readonly string[]).includes(wanted)) return problem(400, `namespace must be one of ${NAMESPACES.join(', ')}`);
    const state: Record<string, unknown> = {};
    for (const ns of wanted ? [wanted as Namespace] : NAMESPACES) state[ns] = Object.fromEntries((await ctx.store.entries(ns)).map(([k, v]) => redact(ns, k, v)));
    return json(200, { now: ctx.clock.now(), offsetMs: ctx.clock.offset(), faults: ctx.runtime.faults, degradation: ctx.runtime.degradation, state });
  }
  if (route === 'GET /_sim/stats') {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (query.get('gc') === '1' && gc) gc();
    return json(200, { requests: sim.requests, counts: await ctx.store.counts(), memory: process.memoryUsage(), gc: Boolean(gc) });
  }
  if (pathname.replace(/\/$/, '') === '/_sim/faults') {
    if (method === 'GET') return json(200, { faults: ctx.runtime.faults });
    if (method === 'DELETE') {
      ctx.runtime.faults = [];
      return json(200, { faults: [] });
    }
    if (method === 'PUT' || method === 'POST') {
      const list = method === 'PUT' ? input : [input];
      if (!Array.isArray(list)) return problem(400, 'PUT /_sim/faults takes an array of faults (POST takes one)');
      for (const [i, f] of list.entries()) {
        const problems = validateFault(f, ctx.description);
        if (problems.length) return problem(400, problems.map((p) => `${`${method === 'PUT' ? `/${i}` : ''}${p.pointer}` || '(body)'}: ${p.message}`).join('; '));
      }
      const faults = list.map((f) => normalizeFault(f as JsonObject));
      ctx.runtime.faults = method === 'PUT' ? faults : [...ctx.runtime.faults, ...faults];
      return json(200, { faults: ctx.runtime.faults });
    }
    return { status: 405, headers: { Allow: 'GET, PUT, POST, DELETE' }, body: '' };
  }
  const degradation = /^\/_sim\/degradation\/([^/]+)$/.exec(pathname);
  if (degradation && method === 'PUT') {
    const mvpd = decodeURIComponent(degradation[1]!);
    const rule = (input as { rule?: unknown } | undefined)?.rule;
    if (!ctx.scenario.mvpds[mvpd]) return problem(404, `no MVPD ${mvpd} in the scenario`);
    if (!(RULES as readonly unknown[]).includes(rule)) return problem(400, `body must be {"rule": ${RULES.map((r) => `"${r}"`).join(' | ')}}`);
    ctx.runtime.degradation[mvpd] = rule as DegradationRule;
    return json(200, { mvpd, rule });
  }
  const saml = /^\/_sim\/partner\/([^/]+)\/saml-response$/.exec(pathname);
  if (saml && method === 'POST') {
    const { mvpd, username } = (input ?? {}) as { mvpd?: unknown; username?: unknown };
    if (typeof mvpd !== 'string' || typeof username !== 'string') return problem(400, 'body must be {"mvpd": "<id>", "username": "<scenario user>"}');
    if (!ctx.scenario.partners.includes(decodeURIComponent(saml[1]!))) return problem(404, `no partner ${saml[1]} in the scenario`);
    if (!ctx.scenario.users.some((u) => u.mvpd === mvpd && u.username === username)) return problem(404, `no user ${username} at MVPD ${mvpd} in the scenario`);
    return json(200, { SAMLResponse: samlResponse(mvpd, username) });
  }
  if (route === 'POST /_sim/media-tokens/verify') {
    const { serializedToken, resource } = (input ?? {}) as { serializedToken?: unknown; resource?: unknown };
    if (typeof serializedToken !== 'string' || (resource !== undefined && typeof resource !== 'string')) return problem(400, 'body must be {"serializedToken": "<token>", "resource"?: "<id>"}');
    return json(200, { status: await verifyMediaToken(ctx, serializedToken, resource as string | undefined) });
  }
  return problem(404, `no control endpoint ${method} ${pathname}; GET /_sim lists them`);
}
