// Authentication sessions: create and resume with codes that expire, read them back, and the
// user agent's entry point that redirects to the simulated MVPD sign-in page.
import type { Json } from '../../description/document.ts';
import { decodeBase64Json } from '../../description/validator.ts';
import { degradationOf, integrated, type OpRequest, type SimContext } from '../context.ts';
import { deviceOf, ensureDegradedProfile, isTempPass, resolveProfile, ssoIdentities, type SessionRecord } from '../model.ts';
import { json, redirect, type SimResponse } from '../reply.ts';

const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const PARAMS = ['mvpd', 'domainName', 'redirectUrl'] as const;
type SessionParams = Partial<Record<(typeof PARAMS)[number], string>>;

const sessionKey = (sp: string, code: string) => `${sp}|${code}`;

/** A live session by code, or undefined when unknown or expired. */
export async function findSession(ctx: SimContext, sp: string, code: string): Promise<SessionRecord | undefined> {
  const s = await ctx.store.get<SessionRecord>('sessions', sessionKey(sp, code));
  return s && s.notAfter > ctx.clock.now() ? s : undefined;
}

async function saveSession(ctx: SimContext, s: SessionRecord): Promise<void> {
  await ctx.store.set('sessions', sessionKey(s.serviceProvider, s.code), s, s.notAfter);
}

/** Creates a session with a fresh code; a device keeps at most `sessionsPerDevice` live codes. */
export async function newSession(ctx: SimContext, r: OpRequest, sp: string, params: SessionParams, extra: Partial<SessionRecord> = {}): Promise<SessionRecord> {
  const now = ctx.clock.now();
  const device = deviceOf(r.headers);
  const info = r.headers['x-device-info'] ? decodeBase64Json(r.headers['x-device-info']) : undefined;
  const s: SessionRecord = {
    code: ctx.random.string(7, CODE_ALPHABET),
    sessionId: ctx.random.uuid(),
    serviceProvider: sp,
    device,
    ...(info?.ok ? { deviceInfo: info.value as Record<string, Json> } : {}),
    ...(r.headers['user-agent'] ? { userAgent: r.headers['user-agent'] } : {}),
    ip: r.ip,
    port: r.remotePort,
    ...params,
    notBefore: now,
    notAfter: now + ctx.scenario.ttl.codeMs,
    sso: ssoIdentities(ctx, r.headers),
    ...extra,
  };
  await saveSession(ctx, s);
  const evicted = await ctx.store.update<string[], string[]>('deviceSessions', `${sp}|${device}`, (codes = []) => {
    const all = [...codes, s.code];
    const keep = all.slice(-ctx.scenario.limits.sessionsPerDevice);
    return { value: keep, expiresAt: s.notAfter, result: all.slice(0, all.length - keep.length) };
  });
  for (const code of evicted) await ctx.store.delete('sessions', sessionKey(sp, code));
  return s;
}

const pick = (body: Json | undefined): SessionParams => {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(PARAMS.filter((k) => typeof b[k] === 'string' && b[k] !== '').map((k) => [k, b[k] as string]));
};

const bad = (ctx: SimContext, r: OpRequest, code: string, details?: string) => ctx.validator.fail(r.op, [code], details ?? code).reply;

type Shortcut = { actionName: 'authorize'; reasonType: 'authenticated' | 'temporary' | 'degraded' | 'authenticatedSSO'; mvpd: string };

/**
 * When a session needs no sign-in: an existing profile, TempPass, or AuthNAll degradation (the
 * create-session page's samples 3–5). AuthNAll also creates the degraded profile; a TempPass trial
 * starts at the first authorization, not here.
 */
export async function shortcut(ctx: SimContext, r: OpRequest, sp: string, mvpdId: string, device: string): Promise<Shortcut | undefined> {
  const mvpd = ctx.scenario.mvpds[mvpdId]!;
  if (isTempPass(mvpd)) return { actionName: 'authorize', reasonType: 'temporary', mvpd: mvpdId };
  if (degradationOf(ctx, mvpd) === 'AuthNAll') {
    await ensureDegradedProfile(ctx, sp, device, mvpd);
    return { actionName: 'authorize', reasonType: 'degraded', mvpd: mvpdId };
  }
  const { profile, via } = await resolveProfile(ctx, sp, device, mvpdId, r.headers);
  if (profile) return { actionName: 'authorize', reasonType: via === 'sso' || profile.type !== 'regular' ? 'authenticatedSSO' : 'authenticated', mvpd: mvpdId };
  return undefined;
}

export const shortcutJson = (ctx: SimContext, sp: string, s: Shortcut) => ({
  actionName: s.actionName, actionType: 'direct', reasonType: s.reasonType,
  url: `/api/v2/${sp}/decisions/authorize/${s.mvpd}`, sessionId: ctx.random.uuid(), mvpd: s.mvpd, serviceProvider: sp,
});

/** The session JSON for a code: authenticate when complete, else resume (create) or retry (resume). */
export function sessionJson(s: SessionRecord, incomplete: 'resume' | 'retry', reasonType: string = s.reason ?? 'none') {
  const missing = PARAMS.filter((k) => !s[k]);
  const base = { sessionId: s.sessionId, ...(s.mvpd ? { mvpd: s.mvpd } : {}), serviceProvider: s.serviceProvider, notBefore: String(s.notBefore), notAfter: String(s.notAfter) };
  if (missing.length) return { actionName: incomplete, actionType: 'direct', reasonType, url: `/api/v2/${s.serviceProvider}/sessions/${s.code}`, missingParameters: missing, code: s.code, ...base };
  return { actionName: 'authenticate', actionType: 'interactive', reasonType, url: `/api/v2/authenticate/${s.serviceProvider}/${s.code}`, code: s.code, ...base };
}

export async function createAuthenticationSession(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  const sp = r.path.serviceProvider!;
  const params = pick(r.body);
  if (params.mvpd && !integrated(ctx, sp, params.mvpd)) return bad(ctx, r, 'invalid_integration', `mvpd ${params.mvpd} is not integrated with ${sp}`);
  if (params.mvpd) {
    const s = await shortcut(ctx, r, sp, params.mvpd, deviceOf(r.headers));
    if (s) return json(200, shortcutJson(ctx, sp, s));
  }
  return json(200, sessionJson(await newSession(ctx, r, sp, params), 'resume'));
}

export async function resumeAuthenticationSession(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  const sp = r.path.serviceProvider!;
  const session = await findSession(ctx, sp, r.path.code!);
  if (!session) return bad(ctx, r, 'invalid_authentication_session', 'the code is unknown or has expired');
  const params = pick(r.body);
  if (params.mvpd && !integrated(ctx, sp, params.mvpd)) return bad(ctx, r, 'invalid_integration', `mvpd ${params.mvpd} is not integrated with ${sp}`);
  const updated: SessionRecord = { ...session, ...Object.fromEntries(PARAMS.filter((k) => !session[k] && params[k]).map((k) => [k, params[k]])) };
  if (updated.mvpd) {
    const s = await shortcut(ctx, { ...r, headers: { ...r.headers, 'ap-device-identifier': session.device } }, sp, updated.mvpd, session.device);
    if (s) return json(200, shortcutJson(ctx, sp, s));
  }
  await saveSession(ctx, updated);
  return json(200, sessionJson(updated, 'retry', updated.reason === 'missing_parameters_fallback' ? 'none' : updated.reason));
}

function version(text: unknown) {
  const [major = 0, minor = 0, patch = 0] = String(text ?? '').split(/[.,]/).map((n) => Number.parseInt(n, 10) || 0);
  return { major, minor, patch, profile: '' };
}

const str = (v: Json | undefined) => (typeof v === 'string' ? v : null);

/** `SessionDevice`: what Adobe extracted about the device, merged with X-Device-Info. */
function deviceJson(s: SessionRecord) {
  const d = s.deviceInfo ?? {};
  return {
    type: str(d.primaryHardwareType) ?? 'Unknown',
    model: str(d.model),
    version: version(d.version),
    hardware: { name: str(d.model), vendor: str(d.vendor) ?? str(d.manufacturer), version: version(d.version), manufacturer: str(d.manufacturer) },
    operatingSystem: { name: str(d.osName), family: str(d.osFamily) ?? str(d.osName), vendor: str(d.osVendor), version: version(d.osVersion) },
    browser: { name: str(d.browserName), vendor: str(d.browserVendor), version: version(d.browserVersion), userAgent: s.userAgent ?? str(d.userAgent), originalUserAgent: s.userAgent ?? str(d.userAgent) },
    display: { width: typeof d.displayWidth === 'number' ? d.displayWidth : 0, height: typeof d.displayHeight === 'number' ? d.displayHeight : 0, ppi: typeof d.displayPpi === 'number' ? d.displayPpi : 0, name: 'DISPLAY', vendor: null, version: null, diagonalSize: typeof d.diagonalScreenSize === 'number' ? d.diagonalScreenSize : null },
    applicationId: str(d.applicationId),
    connection: { ipAddress: s.ip, port: String(typeof d.connectionPort === 'number' ? d.connectionPort : s.port), secure: d.connectionSecure === true, type: str(d.connectionType) },
  };
}

export async function retrieveAuthenticationSession(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  const sp = r.path.serviceProvider!;
  const s = await findSession(ctx, sp, r.path.code!);
  if (!s) return bad(ctx, r, 'invalid_authentication_session', 'the code is unknown or has expired');
  const missing = PARAMS.filter((k) => !s[k]);
  return json(200, {
    existingParameters: { ...Object.fromEntries(PARAMS.filter((k) => s[k]).map((k) => [k, s[k]])), serviceProvider: sp },
    ...(missing.length ? { missingParameters: missing } : {}),
    device: deviceJson(s),
    notBefore: String(s.notBefore),
    notAfter: String(s.notAfter),
  });
}

/** GET /api/v2/authenticate/{sp}/{code}: 302 to the MVPD's sign-in page (HTML errors, as the page says). */
export async function performAuthentication(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  const sp = r.path.serviceProvider!;
  const s = await findSession(ctx, sp, r.path.code!);
  if (!s) return ctx.validator.bare(r.op, 400);
  if (!s.mvpd || !s.redirectUrl || !s.domainName) return ctx.validator.bare(r.op, 400);
  const q = new URLSearchParams({ code: s.code, requestor_id: sp });
  return redirect(`${r.origin}/_mvpd/${encodeURIComponent(s.mvpd)}/sign-in?${q}`);
}
