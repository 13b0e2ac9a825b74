// Profiles: every profile of a device, one MVPD's (with degraded and TempPass profiles), and the
// profile a sign-in created for an authentication code (what the polling application waits for).
import { enhancedError } from '../../description/errors.ts';
import { degradationOf, integrated, type OpRequest, type SimContext } from '../context.ts';
import { allProfiles, deviceProfiles, deviceOf, ensureDegradedProfile, isTempPass, profileJson, resolveProfile, tempPassTrial, temporaryProfile, type ProfileRecord } from '../model.ts';
import { json, type SimResponse } from '../reply.ts';
import { findSession } from './sessions.ts';

const profilesJson = (profiles: Record<string, ProfileRecord>) => ({ profiles: Object.fromEntries(Object.entries(profiles).map(([k, p]) => [k, profileJson(p)])) });

export async function retrieveProfiles(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  return json(200, profilesJson(await allProfiles(ctx, r.path.serviceProvider!, deviceOf(r.headers), r.headers)));
}

/** A top-level TempPass error, in the status the catalog gives it (documented for the profile operations). */
function trialError(ctx: SimContext, code: string): SimResponse {
  const entry = ctx.validator.entry(code);
  return json(entry.status, enhancedError(entry, ctx.random.uuid()));
}

/** One MVPD's profile for a device: its own, single sign-on, degraded (AuthNAll) or temporary (TempPass). */
async function profileFor(ctx: SimContext, r: OpRequest, sp: string, mvpdId: string, device: string): Promise<SimResponse> {
  const mvpd = ctx.scenario.mvpds[mvpdId]!;
  if (isTempPass(mvpd)) {
    const t = await tempPassTrial(ctx, sp, mvpd, device, r.headers, false);
    if (!t.ok) return trialError(ctx, t.code);
    return json(200, profilesJson({ [mvpdId]: temporaryProfile(mvpd, device, t.trial, t.identity) }));
  }
  const { profile } = await resolveProfile(ctx, sp, device, mvpdId, r.headers);
  if (profile) return json(200, profilesJson({ [mvpdId]: profile }));
  const degraded = degradationOf(ctx, mvpd) === 'AuthNAll' ? await ensureDegradedProfile(ctx, sp, device, mvpd) : undefined;
  return json(200, profilesJson(degraded ? { [mvpdId]: degraded } : {}));
}

export async function retrieveProfileForMvpd(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  const sp = r.path.serviceProvider!;
  const mvpd = r.path.mvpd!;
  if (!integrated(ctx, sp, mvpd)) return ctx.validator.fail(r.op, ['invalid_integration'], `mvpd ${mvpd} is not integrated with ${sp}`).reply;
  return profileFor(ctx, r, sp, mvpd, deviceOf(r.headers));
}

/** The profile obtained through a code: empty until the user signs in; an error once the code expired. */
export async function retrieveProfileForCode(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  const sp = r.path.serviceProvider!;
  const session = await findSession(ctx, sp, r.path.code!);
  if (!session) return ctx.validator.fail(r.op, ['invalid_authentication_session'], 'the code is unknown or has expired').reply;
  if (!session.mvpd) return json(200, { profiles: {} });
  const mvpd = ctx.scenario.mvpds[session.mvpd]!;
  if (isTempPass(mvpd) || degradationOf(ctx, mvpd) === 'AuthNAll') return profileFor(ctx, { ...r, headers: { ...r.headers, 'ap-device-identifier': session.device } }, sp, session.mvpd, session.device);
  const p = (await deviceProfiles(ctx, sp, session.device))[session.mvpd];
  // Only a profile created after this code was issued answers for it.
  const valid = p && p.notAfter > ctx.clock.now() && p.notBefore >= session.notBefore ? p : undefined;
  return json(200, profilesJson(valid ? { [session.mvpd]: valid } : {}));
}
