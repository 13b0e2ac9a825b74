// Preauthorization and authorization: one decision per resource from the scenario's rules, the
// degradation rule or the TempPass trial; permits carry media tokens, denies item-level errors.
import { createHash, createHmac } from 'node:crypto';
import { enhancedError, type EnhancedError } from '../../description/errors.ts';
import { degradationOf, integrated, type OpRequest, type SimContext } from '../context.ts';
import { deviceOf, ensureDegradedProfile, isTempPass, resolveProfile, tempPassTrial, useTempPassResource, type ProfileRecord } from '../model.ts';
import { json, type SimResponse } from '../reply.ts';
import type { MvpdConfig } from '../scenario.ts';

type Kind = 'preauthorize' | 'authorize';
type Source = 'mvpd' | 'degradation' | 'temppass' | 'dummy';

interface Decision {
  resource: string;
  serviceProvider: string;
  mvpd: string;
  source: Source;
  authorized: boolean;
  token?: { notBefore: number; notAfter: number; serializedToken: string };
  notBefore?: number;
  notAfter?: number;
  error?: EnhancedError;
}

export interface MediaTokenRecord { resource: string; serviceProvider: string; mvpd: string; notBefore: number; notAfter: number; used: boolean }

/** A key only this process knows: media tokens verify against the simulator that issued them. */
const SIGNING_KEY = `pass-contract-simulator-${process.pid}-${Date.now()}`;
/** Media tokens are stored by digest: the token itself is a credential. */
const tokenKey = (serializedToken: string) => createHash('sha256').update(serializedToken).digest('base64url');

/** A media token shaped like Adobe's (base64 of a signed XML document); verifiable through the control API. */
async function mediaToken(ctx: SimContext, sp: string, mvpd: string, resource: string) {
  const now = ctx.clock.now();
  const notAfter = now + ctx.scenario.ttl.mediaTokenMs;
  const auth = `<authToken><sessionGUID>${ctx.random.uuid()}</sessionGUID><requestorID>${sp}</requestorID><resourceID>${encodeURIComponent(resource)}</resourceID><ttl>${ctx.scenario.ttl.mediaTokenMs}</ttl><issueTime>${now}</issueTime><mvpdId>${mvpd}</mvpdId></authToken>`;
  const signature = createHmac('sha256', SIGNING_KEY).update(auth).digest('base64');
  const serializedToken = Buffer.from(`<signatureInfo>${signature}</signatureInfo>${auth}`).toString('base64');
  await ctx.store.set<MediaTokenRecord>('mediaTokens', tokenKey(serializedToken), { resource, serviceProvider: sp, mvpd, notBefore: now, notAfter, used: false }, notAfter);
  return { notBefore: now, notAfter, serializedToken };
}

/** Checks a media token as Adobe's Media Token Verifier would (statuses of its isValid()); one use only. */
export async function verifyMediaToken(ctx: SimContext, serializedToken: string, resource?: string): Promise<string> {
  const text = Buffer.from(serializedToken, 'base64').toString('utf8');
  const m = /^<signatureInfo>([^<]*)<\/signatureInfo>(<authToken>.*<\/authToken>)$/s.exec(text);
  if (!m) return 'INVALID_TOKEN_FORMAT';
  if (createHmac('sha256', SIGNING_KEY).update(m[2]!).digest('base64') !== m[1]) return 'INVALID_SIGNATURE';
  const record = await ctx.store.get<MediaTokenRecord>('mediaTokens', tokenKey(serializedToken));
  if (!record || record.used || record.notAfter <= ctx.clock.now()) return 'TOKEN_EXPIRED';
  if (resource !== undefined && record.resource !== resource) return 'INVALID_RESOURCE_ID';
  await ctx.store.set('mediaTokens', tokenKey(serializedToken), { ...record, used: true }, record.notAfter);
  return 'VALID_TOKEN';
}

function itemError(ctx: SimContext, code: string, details?: string, status?: number): EnhancedError {
  return enhancedError(ctx.validator.entry(code), ctx.random.uuid(), details, status);
}

/** The first rule that matches the user, MVPD and resource, else the scenario's default. */
function ruleFor(ctx: SimContext, profile: ProfileRecord, resource: string) {
  const rule = ctx.scenario.rules.find((r) =>
    (!r.users || r.users.includes('*') || (profile.username !== undefined && r.users.includes(profile.username)))
    && (!r.mvpds || r.mvpds.includes(profile.mvpd))
    && (!r.resources || r.resources.includes('*') || r.resources.includes(resource)));
  return rule ?? { decision: ctx.scenario.defaultDecision };
}

async function decide(ctx: SimContext, r: OpRequest, kind: Kind): Promise<SimResponse> {
  const sp = r.path.serviceProvider!;
  const mvpdId = r.path.mvpd!;
  if (!integrated(ctx, sp, mvpdId)) return ctx.validator.fail(r.op, ['invalid_integration'], `mvpd ${mvpdId} is not integrated with ${sp}`).reply;
  const mvpd = ctx.scenario.mvpds[mvpdId]!;
  const resources = (r.body as { resources: string[] }).resources;
  const device = deviceOf(r.headers);
  const now = ctx.clock.now();
  const base = (resource: string, source: Source) => ({ resource, serviceProvider: sp, mvpd: mvpdId, source });
  const deny = (resource: string, source: Source, error: EnhancedError): Decision => ({ ...base(resource, source), authorized: false, error });
  const permit = async (resource: string, source: Source, window?: { notBefore: number; notAfter: number }): Promise<Decision> => kind === 'preauthorize'
    ? { ...base(resource, source), authorized: true }
    : { ...base(resource, source), authorized: true, token: await mediaToken(ctx, sp, mvpdId, resource), ...(window ?? {}) };
  const respond = (decisions: Decision[]) => json(200, { decisions });

  const forced = r.faultError;
  if (forced) return respond(resources.map((res) => deny(res, 'mvpd', itemError(ctx, forced.code, undefined, forced.status))));
  const limit = ctx.scenario.serviceProviders[sp]!.decisionLimits[kind];
  // Adobe documents no top-level 403 for decisions (ERRATA 54): too many resources is item-level.
  if (resources.length > limit) return respond(resources.map((res) => deny(res, 'mvpd', itemError(ctx, 'too_many_resources', `at most ${limit} resources per ${kind} request`))));

  if (isTempPass(mvpd)) return respond(await tempPassDecisions(ctx, r, kind, sp, mvpd, device, resources, { permit, deny }));

  const rule = degradationOf(ctx, mvpd);
  if (rule === 'AuthZNone') return respond(resources.map((res) => deny(res, 'degradation', itemError(ctx, 'authorization_denied_by_degradation_rule', 'The integration has an AuthZNone rule applied for the requested resources'))));
  if (rule === 'AuthNAll' || rule === 'AuthZAll') {
    const degraded = rule === 'AuthNAll' ? await ensureDegradedProfile(ctx, sp, device, mvpd) : undefined;
    const window = degraded ? { notBefore: now, notAfter: now + ctx.scenario.ttl.authorizationMs } : undefined;
    return respond(await Promise.all(resources.map((res) => permit(res, 'degradation', window))));
  }

  const { profile, expired } = await resolveProfile(ctx, sp, device, mvpdId, r.headers);
  if (!profile) {
    const code = expired ? 'authenticated_profile_expired' : 'authenticated_profile_missing';
    return respond(resources.map((res) => deny(res, 'mvpd', itemError(ctx, code))));
  }
  const window = { notBefore: now, notAfter: now + ctx.scenario.ttl.authorizationMs };
  return respond(await Promise.all(resources.map(async (res) => {
    const rule = ruleFor(ctx, profile, res);
    if (rule.decision === 'permit') return permit(res, 'mvpd', window);
    const code = 'code' in rule && rule.code ? rule.code : kind === 'preauthorize' ? 'preauthorization_denied_by_mvpd' : 'authorization_denied_by_mvpd';
    const denied = deny(res, 'mvpd', itemError(ctx, code, 'details' in rule ? rule.details : undefined));
    return kind === 'authorize' ? { ...denied, ...window } : denied;
  })));
}

/** TempPass: the trial decides; authorization starts it, and promotional TempPass counts resources. */
async function tempPassDecisions(ctx: SimContext, r: OpRequest, kind: Kind, sp: string, mvpd: MvpdConfig, device: string, resources: string[],
  make: { permit: (res: string, source: Source, w?: { notBefore: number; notAfter: number }) => Promise<Decision>; deny: (res: string, source: Source, e: EnhancedError) => Decision }): Promise<Decision[]> {
  const t = await tempPassTrial(ctx, sp, mvpd, device, r.headers, kind === 'authorize');
  if (!t.ok) return resources.map((res) => make.deny(res, 'temppass', itemError(ctx, t.code)));
  const out: Decision[] = [];
  for (const res of resources) {
    if (kind === 'authorize' && !(await useTempPassResource(ctx, sp, mvpd, device, t.identity, t.trial, res))) {
      out.push(make.deny(res, 'temppass', itemError(ctx, 'temporary_access_resources_limit_exceeded')));
      continue;
    }
    out.push(await make.permit(res, 'temppass', { notBefore: t.trial.startedAt, notAfter: t.trial.expiresAt }));
  }
  return out;
}

export const retrievePreauthorizationDecisions = (ctx: SimContext, r: OpRequest) => decide(ctx, r, 'preauthorize');
export const retrieveAuthorizationDecisions = (ctx: SimContext, r: OpRequest) => decide(ctx, r, 'authorize');
