// The simulated Adobe Pass's records (sessions, profiles, single sign-on links, TempPass trials)
// and the rules that read them, shared by the operation handlers and the MVPD pages.
import { createHash } from 'node:crypto';
import type { Json } from '../description/document.ts';
import { decodeBase64Json } from '../description/validator.ts';
import { degradationOf, integrated, type SimContext } from './context.ts';
import type { MvpdConfig, UserConfig } from './scenario.ts';

export type ProfileType = 'regular' | 'degraded' | 'temporary' | 'appleSSO' | 'platformSSO' | 'serviceTokenSSO';
export interface Attribute { value: unknown; state: 'plain' | 'enc' }

export interface ProfileRecord {
  mvpd: string;
  notBefore: number;
  notAfter: number;
  issuer: string;
  type: ProfileType;
  attributes: Record<string, Attribute>;
  /** The scenario user behind it (rules match on it); undefined for degraded and TempPass profiles. */
  username?: string;
  /** The device that authenticated (single sign-on profiles show as SSO types on other devices). */
  device: string;
  /** Single sign-on identities present when it was created. */
  sso: SsoIdentity[];
}

export interface SsoIdentity { kind: 'serviceToken' | 'platformIdentity'; id: string }

export interface SessionRecord {
  code: string;
  sessionId: string;
  serviceProvider: string;
  device: string;
  deviceInfo?: Record<string, Json>;
  userAgent?: string;
  ip: string;
  port: number;
  mvpd?: string;
  domainName?: string;
  redirectUrl?: string;
  notBefore: number;
  notAfter: number;
  sso: SsoIdentity[];
  reason?: 'pfs_fallback' | 'configuration_fallback' | 'missing_parameters_fallback';
}

export interface TrialRecord { startedAt: number; expiresAt: number; used: string[] }

/** How long expired records are kept to tell "expired" from "missing"; the store still bounds them. */
const GRACE_MS = 86_400_000;

export const hash = (text: string) => createHash('sha256').update(text).digest('hex');

/** The device key: AP-Device-Identifier as sent (`fingerprint <base64>`). */
export const deviceOf = (headers: Record<string, string | undefined>): string => headers['ap-device-identifier'] ?? '';

// ── Single sign-on identities from headers ───────────────────────────────────────────────────────

function jwtPayload(token: string): Record<string, Json> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Json;
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Service token (AD-Service-Token: a JWS whose `iss` + `sub` name the user at the identity
 * service; ignored when unreadable or past `exp`) and platform identity (Adobe-Subject-Token or
 * Roku's token: the JWS `sub`, or the whole token when it is encrypted).
 */
export function ssoIdentities(ctx: SimContext, headers: Record<string, string | undefined>): SsoIdentity[] {
  const out: SsoIdentity[] = [];
  const service = headers['ad-service-token'];
  if (service) {
    const p = jwtPayload(service);
    const exp = typeof p?.exp === 'number' ? p.exp * 1000 : Number.POSITIVE_INFINITY;
    if (p && typeof p.sub === 'string' && exp > ctx.clock.now()) out.push({ kind: 'serviceToken', id: `${String(p.iss ?? '')}|${p.sub}` });
  }
  for (const name of ['adobe-subject-token', 'x-roku-reserved-roku-connect-token']) {
    const token = headers[name];
    if (!token) continue;
    const p = token.split('.').length === 3 ? jwtPayload(token) : undefined;
    out.push({ kind: 'platformIdentity', id: typeof p?.sub === 'string' ? `${name}|${p.sub}` : `${name}|${hash(token)}` });
  }
  return out;
}

const ssoKey = (s: SsoIdentity) => `${s.kind}|${s.id}`;

// ── Partner framework status (AP-Partner-Framework-Status) ───────────────────────────────────────

export type PfsCheck = { ok: true; mvpd: MvpdConfig; expiresAt: number } | { ok: false; code: string; mvpd?: MvpdConfig };

/** Reads the partner framework status as the Apple cookbook describes it: granted, a known provider, not expired. */
export function checkPartnerStatus(ctx: SimContext, sp: string, header: string | undefined): PfsCheck {
  if (!header) return { ok: false, code: 'invalid_header_pfs_permission_access_not_present' };
  const decoded = decodeBase64Json(header);
  const status = decoded.ok ? (decoded.value as { frameworkPermissionInfo?: { accessStatus?: string }; frameworkProviderInfo?: { id?: string; expirationDate?: string } }) : undefined;
  const access = status?.frameworkPermissionInfo?.accessStatus;
  const providerId = status?.frameworkProviderInfo?.id;
  const mvpd = providerId ? Object.values(ctx.scenario.mvpds).find((m) => m.platformMappingId === providerId && integrated(ctx, sp, m.id)) : undefined;
  if (!access) return { ok: false, code: 'invalid_header_pfs_permission_access_not_present', ...(mvpd ? { mvpd } : {}) };
  if (access === 'notDetermined') return { ok: false, code: 'invalid_header_pfs_permission_access_not_determined', ...(mvpd ? { mvpd } : {}) };
  if (access !== 'granted') return { ok: false, code: 'invalid_header_pfs_permission_access_not_granted', ...(mvpd ? { mvpd } : {}) };
  if (!mvpd) return { ok: false, code: 'invalid_header_pfs_provider_id_not_determined' };
  const expiresAt = Number(status?.frameworkProviderInfo?.expirationDate ?? Number.NaN);
  if (!(expiresAt > ctx.clock.now())) return { ok: false, code: 'invalid_header_pfs_provider_info_expired', mvpd };
  return { ok: true, mvpd, expiresAt };
}

// ── Profiles ─────────────────────────────────────────────────────────────────────────────────────

const profilesKey = (sp: string, device: string) => `${sp}|${device}`;
/** A profile map is kept until its last profile has been expired for a day. */
const expiryOf = (profiles: Record<string, ProfileRecord>) => Math.max(0, ...Object.values(profiles).map((p) => p.notAfter)) + GRACE_MS;

export async function deviceProfiles(ctx: SimContext, sp: string, device: string): Promise<Record<string, ProfileRecord>> {
  return (await ctx.store.get<Record<string, ProfileRecord>>('profiles', profilesKey(sp, device))) ?? {};
}

/** Saves a profile for a device and links it to the single sign-on identities it was created with. */
export async function saveProfile(ctx: SimContext, sp: string, device: string, profile: ProfileRecord): Promise<void> {
  await ctx.store.update<Record<string, ProfileRecord>, void>('profiles', profilesKey(sp, device), (current) => {
    const value = { ...current, [profile.mvpd]: profile };
    return { value, expiresAt: expiryOf(value), result: undefined };
  });
  for (const s of profile.sso) {
    await ctx.store.update<Record<string, ProfileRecord>, void>('sso', ssoKey(s), (current) => {
      const value = { ...current, [profile.mvpd]: profile };
      return { value, expiresAt: expiryOf(value), result: undefined };
    });
  }
}

/** Removes a device's profile for `mvpd` and the single sign-on links to it; returns what was removed. */
export async function removeProfiles(ctx: SimContext, sp: string, device: string, mvpd: string, identities: SsoIdentity[]): Promise<ProfileRecord[]> {
  const removed: ProfileRecord[] = [];
  const drop = (current: Record<string, ProfileRecord> | undefined) => {
    if (!current?.[mvpd]) return { value: current, expiresAt: current ? expiryOf(current) : undefined, result: undefined };
    removed.push(current[mvpd]!);
    const { [mvpd]: _gone, ...rest } = current;
    return { value: Object.keys(rest).length ? rest : undefined, expiresAt: expiryOf(rest), result: undefined };
  };
  await ctx.store.update('profiles', profilesKey(sp, device), drop);
  const links = new Map(removed.flatMap((p) => p.sso).concat(identities).map((s) => [ssoKey(s), s]));
  for (const key of links.keys()) await ctx.store.update('sso', key, drop);
  return removed;
}

export interface ResolvedProfile {
  profile?: ProfileRecord;
  /** A profile that existed but has expired (authenticated_profile_expired). */
  expired?: ProfileRecord;
  via?: 'device' | 'sso';
}

/**
 * The profile a request may use for `mvpd`: the device's own (an appleSSO one only with a valid
 * partner framework status for that MVPD), else one shared through single sign-on.
 */
export async function resolveProfile(ctx: SimContext, sp: string, device: string, mvpd: string, headers: Record<string, string | undefined>): Promise<ResolvedProfile> {
  const now = ctx.clock.now();
  const own = (await deviceProfiles(ctx, sp, device))[mvpd];
  let expired: ProfileRecord | undefined;
  if (own && own.type === 'appleSSO') {
    const pfs = checkPartnerStatus(ctx, sp, headers['ap-partner-framework-status']);
    if (pfs.ok && pfs.mvpd.id === mvpd && own.notAfter > now) return { profile: own, via: 'device' };
  } else if (own) {
    if (own.notAfter > now && own.notBefore <= now) return { profile: own, via: 'device' };
    expired = own;
  }
  for (const s of ssoIdentities(ctx, headers)) {
    const shared = (await ctx.store.get<Record<string, ProfileRecord>>('sso', ssoKey(s)))?.[mvpd];
    if (shared && shared.notAfter > now) return { profile: shared.device === device ? shared : asSso(shared, s, device), via: 'sso' };
    if (shared) expired ??= shared;
  }
  return expired ? { expired } : {};
}

/** Every profile a request may use, by MVPD (GET /profiles). */
export async function allProfiles(ctx: SimContext, sp: string, device: string, headers: Record<string, string | undefined>): Promise<Record<string, ProfileRecord>> {
  const out: Record<string, ProfileRecord> = {};
  const mvpds = new Set(Object.keys(await deviceProfiles(ctx, sp, device)));
  for (const s of ssoIdentities(ctx, headers)) for (const m of Object.keys((await ctx.store.get<Record<string, ProfileRecord>>('sso', ssoKey(s))) ?? {})) mvpds.add(m);
  for (const m of mvpds) {
    if (!integrated(ctx, sp, m)) continue;
    const { profile } = await resolveProfile(ctx, sp, device, m, headers);
    if (profile) out[m] = profile;
  }
  return out;
}

/** How another device sees a single sign-on profile (the shape of Adobe's SSO samples). */
function asSso(p: ProfileRecord, s: SsoIdentity, device: string): ProfileRecord {
  const userId = String(p.attributes.userID?.value ?? '');
  return {
    ...p,
    device,
    type: s.kind === 'serviceToken' ? 'serviceTokenSSO' : 'platformSSO',
    attributes: {
      upstreamUserID: { value: userId, state: 'plain' },
      userID: { value: hash(`${s.id}|${userId}`).slice(0, 40), state: 'plain' },
      mvpd: { value: p.mvpd, state: 'plain' },
    },
  };
}

/** The JSON shape of a profile (`Profile` in the description). */
export const profileJson = (p: ProfileRecord) => ({ notBefore: p.notBefore, notAfter: p.notAfter, issuer: p.issuer, type: p.type, attributes: p.attributes });

function attributesOf(user: UserConfig): Record<string, Attribute> {
  const out: Record<string, Attribute> = { userID: { value: user.userID ?? hash(`${user.mvpd}|${user.username}`).slice(0, 32), state: 'plain' } };
  for (const [k, v] of Object.entries(user.attributes)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && 'state' in v ? (v as Attribute) : { value: v, state: 'plain' };
  }
  return out;
}

export const profileTtl = (ctx: SimContext, mvpd: MvpdConfig) => mvpd.profileTtlMs ?? ctx.scenario.ttl.profileMs;

/** The profile a successful MVPD sign-in (or partner sign-in) creates. */
export function userProfile(ctx: SimContext, mvpd: MvpdConfig, user: UserConfig, device: string, sso: SsoIdentity[], partner?: { expiresAt: number }): ProfileRecord {
  const now = ctx.clock.now();
  return {
    mvpd: mvpd.id, notBefore: now, notAfter: partner ? Math.min(partner.expiresAt, now + profileTtl(ctx, mvpd)) : now + profileTtl(ctx, mvpd),
    issuer: partner ? 'Apple' : mvpd.id, type: partner ? 'appleSSO' : 'regular',
    attributes: attributesOf(user), username: user.username, device, sso,
  };
}

/** The degraded profile Adobe issues under AuthNAll (issuer Adobe, a made-up user id per device). */
function degradedProfile(ctx: SimContext, mvpd: MvpdConfig, sp: string, device: string): ProfileRecord {
  const now = ctx.clock.now();
  return { mvpd: mvpd.id, notBefore: now, notAfter: now + profileTtl(ctx, mvpd), issuer: 'Adobe', type: 'degraded', attributes: { userID: { value: hash(`degraded|${sp}|${mvpd.id}|${device}`).slice(0, 56), state: 'plain' } }, device, sso: [] };
}

/** The degraded profile for AuthNAll, created on first use and kept for the device. */
export async function ensureDegradedProfile(ctx: SimContext, sp: string, device: string, mvpd: MvpdConfig): Promise<ProfileRecord | undefined> {
  if (degradationOf(ctx, mvpd) !== 'AuthNAll') return undefined;
  const existing = (await deviceProfiles(ctx, sp, device))[mvpd.id];
  if (existing && existing.type === 'degraded' && existing.notAfter > ctx.clock.now()) return existing;
  const p = degradedProfile(ctx, mvpd, sp, device);
  await saveProfile(ctx, sp, device, p);
  return p;
}

// ── TempPass ─────────────────────────────────────────────────────────────────────────────────────

export type TrialCheck =
  | { ok: true; trial: TrialRecord; identity?: string }
  | { ok: false; code: 'invalid_configuration_temporary_access' | 'invalid_header_identity_for_temporary_access' | 'temporary_access_duration_limit_exceeded' | 'temporary_access_resources_limit_exceeded'; trial?: TrialRecord };

/**
 * The promotional identity: AP-TempPass-Identity decoded, hashed. The operations that read it
 * document the header, so it has been checked against `TempPassIdentity` (an object with at least
 * one member, `email` an e-mail address) before any handler runs.
 */
export function tempPassIdentity(header: string | undefined): string | undefined {
  const d = header ? decodeBase64Json(header) : undefined;
  if (!d?.ok || !d.value || typeof d.value !== 'object' || Array.isArray(d.value)) return undefined;
  return hash(JSON.stringify(Object.entries(d.value).sort()));
}

const trialKeys = (sp: string, mvpd: string, device: string, identity?: string) => [`${sp}|${mvpd}|d|${device}`, ...(identity ? [`${sp}|${mvpd}|u|${identity}`] : [])];

/**
 * The TempPass trial of a device (basic) or of a device or user identity (promotional), as
 * Adobe's TempPass page describes: the TTL runs from the first authorization, regardless of viewing.
 * `authorizing` begins a trial when there is none and leaves the resource limit to the caller, which
 * checks it per resource (replaying a played resource is allowed).
 */
export async function tempPassTrial(ctx: SimContext, sp: string, mvpd: MvpdConfig, device: string, headers: Record<string, string | undefined>, authorizing: boolean): Promise<TrialCheck> {
  const tp = mvpd.tempPass!;
  if (tp.misconfigured) return { ok: false, code: 'invalid_configuration_temporary_access' };
  let identity: string | undefined;
  if (mvpd.kind === 'promotionalTempPass') {
    identity = tempPassIdentity(headers['ap-temppass-identity']);
    if (!identity) return { ok: false, code: 'invalid_header_identity_for_temporary_access' };
  }
  const keys = trialKeys(sp, mvpd.id, device, identity);
  let trial: TrialRecord | undefined;
  for (const k of keys) trial ??= await ctx.store.get<TrialRecord>('temppass', k);
  const now = ctx.clock.now();
  if (!trial && authorizing) {
    trial = { startedAt: now, expiresAt: now + tp.ttlMs, used: [] };
    for (const k of keys) await ctx.store.set('temppass', k, trial, trial.expiresAt + GRACE_MS);
  }
  if (!trial) return { ok: true, trial: { startedAt: now, expiresAt: now + tp.ttlMs, used: [] }, ...(identity ? { identity } : {}) };
  if (trial.expiresAt <= now) return { ok: false, code: 'temporary_access_duration_limit_exceeded', trial };
  if (!authorizing && tp.maxResources !== undefined && trial.used.length >= tp.maxResources) return { ok: false, code: 'temporary_access_resources_limit_exceeded', trial };
  return { ok: true, trial, ...(identity ? { identity } : {}) };
}

/** Records a promotional resource as played (idempotent); false when the limit is reached. */
export async function useTempPassResource(ctx: SimContext, sp: string, mvpd: MvpdConfig, device: string, identity: string | undefined, trial: TrialRecord, resource: string): Promise<boolean> {
  const max = mvpd.tempPass?.maxResources;
  if (max === undefined || trial.used.includes(resource)) return true;
  if (trial.used.length >= max) return false;
  trial.used = [...trial.used, resource];
  for (const k of trialKeys(sp, mvpd.id, device, identity)) await ctx.store.set('temppass', k, { ...trial }, trial.expiresAt + GRACE_MS);
  return true;
}

/** The temporary profile of a running trial (`Profile` with type temporary, issuer Adobe). */
export function temporaryProfile(mvpd: MvpdConfig, device: string, trial: TrialRecord, identity?: string): ProfileRecord {
  const attributes: Record<string, Attribute> = {};
  if (mvpd.tempPass?.maxResources !== undefined) {
    attributes.remaining_resources = { value: Math.max(0, mvpd.tempPass.maxResources - trial.used.length), state: 'plain' };
    attributes.used_assets = { value: trial.used, state: 'plain' };
  }
  attributes.expiration_date = { value: trial.expiresAt, state: 'plain' };
  attributes.userID = { value: `temppass_${hash(`${mvpd.id}|${identity ?? device}`).slice(0, 40)}`, state: 'plain' };
  return { mvpd: mvpd.id, notBefore: trial.startedAt, notAfter: trial.expiresAt, issuer: 'Adobe', type: 'temporary', attributes, device, sso: [] };
}

export const isTempPass = (m: MvpdConfig) => m.kind !== 'regular';
