// Logout: removes the device's profile for the MVPD (and what single sign-on shared) and answers
// the action the application must take, per MVPD kind, as Adobe's logout page lists them.
import { degradationOf, integrated, type OpRequest, type SimContext } from '../context.ts';
import { deviceOf, hash, isTempPass, removeProfiles, resolveProfile, ssoIdentities } from '../model.ts';
import { json, type SimResponse } from '../reply.ts';

export async function initiateLogout(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  const sp = r.path.serviceProvider!;
  const mvpdId = r.path.mvpd!;
  if (!integrated(ctx, sp, mvpdId)) return ctx.validator.fail(r.op, ['invalid_integration'], `mvpd ${mvpdId} is not integrated with ${sp}`).reply;
  const mvpd = ctx.scenario.mvpds[mvpdId]!;
  const device = deviceOf(r.headers);
  const answer = (action: Record<string, string>) => json(200, { logouts: { [mvpdId]: { ...action, mvpd: mvpdId } } });

  // TempPass needs no logout (the trial is not reset by it).
  if (isTempPass(mvpd)) return answer({ actionName: 'complete', actionType: 'none' });
  const { profile } = await resolveProfile(ctx, sp, device, mvpdId, r.headers);
  const removed = await removeProfiles(ctx, sp, device, mvpdId, ssoIdentities(ctx, r.headers));
  if (degradationOf(ctx, mvpd) === 'AuthNAll' && (!profile || profile.type === 'degraded')) return answer({ actionName: 'complete', actionType: 'none' });
  if (!profile) return answer({ actionName: 'invalid', actionType: 'none' });
  if (profile.type === 'appleSSO') return answer({ actionName: 'partner_logout', actionType: 'partner_interactive' });
  if (profile.type === 'degraded' || !mvpd.logoutEndpoint) return answer({ actionName: 'complete', actionType: 'none' });
  const q = new URLSearchParams({ noflash: 'true', mso_id: mvpdId, requestor_id: sp, redirect_url: String(r.query.get('redirectUrl')) });
  // Single logout of profiles shared through single sign-on names the device, as Adobe's SSO samples do.
  if (profile.sso.length > 0 || removed.some((p) => p.device !== device)) q.set('pt_device_id', hash(device).slice(0, 40));
  return answer({ actionName: 'logout', actionType: 'interactive', url: `${r.origin}/adobe-services/logout?${q}` });
}
