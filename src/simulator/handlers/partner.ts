// Partner (Apple) single sign-on: the partner authentication request with its fallbacks, and the
// profile created from the partner's SAML response, both gated by AP-Partner-Framework-Status.
import { degradationOf, integrated, type OpRequest, type SimContext } from '../context.ts';
import { checkPartnerStatus, deviceOf, ensureDegradedProfile, profileJson, saveProfile, ssoIdentities, userProfile } from '../model.ts';
import { json, type SimResponse } from '../reply.ts';
import { newSession, sessionJson, shortcut, shortcutJson } from './sessions.ts';

const SAML_ATTRIBUTES = ['uid', 'NameID', 'uniqueId'];

function unknownPartner(ctx: SimContext, r: OpRequest): SimResponse | undefined {
  const partner = r.path.partner!;
  return ctx.scenario.partners.includes(partner) ? undefined : ctx.validator.fail(r.op, ['invalid_parameter_partner'], `partner ${partner} is not configured`).reply;
}

/** A SAML AuthnRequest for the partner framework to take to the MVPD. */
function authnRequest(ctx: SimContext, sessionId: string, mvpd: string): string {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_${sessionId}" Version="2.0" IssueInstant="${new Date(ctx.clock.now()).toISOString()}" Destination="${mvpd}"><saml:Issuer>https://saml.sp.auth.adobe.com</saml:Issuer></samlp:AuthnRequest>`;
  return Buffer.from(xml).toString('base64');
}

export async function retrievePartnerAuthenticationRequest(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  const bad = unknownPartner(ctx, r);
  if (bad) return bad;
  const sp = r.path.serviceProvider!;
  const device = deviceOf(r.headers);
  const body = (r.body ?? {}) as { domainName?: string; redirectUrl?: string };
  const pfs = checkPartnerStatus(ctx, sp, r.headers['ap-partner-framework-status']);
  const mvpd = pfs.mvpd;
  if (mvpd && integrated(ctx, sp, mvpd.id)) {
    const s = await shortcut(ctx, r, sp, mvpd.id, device);
    if (s) return json(200, shortcutJson(ctx, sp, s));
  }
  const params = { ...(mvpd ? { mvpd: mvpd.id } : {}), ...(body.domainName ? { domainName: body.domainName } : {}), ...(body.redirectUrl ? { redirectUrl: body.redirectUrl } : {}) };
  if (!body.domainName || !body.redirectUrl) return json(200, sessionJson(await newSession(ctx, r, sp, params, { reason: 'missing_parameters_fallback' }), 'resume'));
  if (!pfs.ok) return json(200, sessionJson(await newSession(ctx, r, sp, params, { reason: 'pfs_fallback' }), 'resume'));
  if (!pfs.mvpd.partners.includes(r.path.partner!)) return json(200, sessionJson(await newSession(ctx, r, sp, params, { reason: 'configuration_fallback' }), 'resume'));
  const sessionId = ctx.random.uuid();
  return json(200, {
    actionName: 'partner_profile', actionType: 'direct', reasonType: 'none',
    url: `/api/v2/${sp}/profiles/sso/${r.path.partner}`, sessionId, mvpd: pfs.mvpd.id, serviceProvider: sp,
    authenticationRequest: { type: 'saml', request: authnRequest(ctx, sessionId, pfs.mvpd.id), attributesNames: SAML_ATTRIBUTES },
  });
}

/** A SAML response as the simulated MVPD gives the partner framework for a scenario user (control API). */
export function samlResponse(mvpd: string, username: string): string {
  const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" Version="2.0"><saml:Issuer>${mvpd}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion><saml:Subject><saml:NameID>${username}</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>`;
  return Buffer.from(xml).toString('base64');
}

/** Reads who a SAML response names: a scenario user of the MVPD, else an anonymous subscriber. */
function samlSubject(text: string): { ok: boolean; issuer?: string; nameId?: string } {
  if (!/<(\w+:)?Response\b/.test(text) || !/StatusCode Value="urn:oasis:names:tc:SAML:2\.0:status:Success"/.test(text)) return { ok: false };
  const issuer = /<(?:\w+:)?Issuer>([^<]+)</.exec(text)?.[1];
  const nameId = /<(?:\w+:)?NameID[^>]*>([^<]+)</.exec(text)?.[1];
  return { ok: true, ...(issuer ? { issuer } : {}), ...(nameId ? { nameId } : {}) };
}

export async function retrievePartnerProfile(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  const bad = unknownPartner(ctx, r);
  if (bad) return bad;
  const sp = r.path.serviceProvider!;
  const device = deviceOf(r.headers);
  const pfs = checkPartnerStatus(ctx, sp, r.headers['ap-partner-framework-status']);
  if (!pfs.ok) return ctx.validator.fail(r.op, [pfs.code], 'AP-Partner-Framework-Status').reply;
  const saml = samlSubject(Buffer.from((r.body as { SAMLResponse: string }).SAMLResponse, 'base64').toString('utf8'));
  if (!saml.ok) return ctx.validator.fail(r.op, ['invalid_parameter_saml_response'], 'SAMLResponse is not a successful SAML response').reply;
  const mvpd = pfs.mvpd;
  if (saml.issuer && saml.issuer !== mvpd.id && Object.values(ctx.scenario.mvpds).some((m) => m.id === saml.issuer)) {
    return ctx.validator.fail(r.op, ['invalid_header_pfs_provider_id_mismatch'], `the SAML response is from ${saml.issuer}`).reply;
  }
  if (degradationOf(ctx, mvpd) === 'AuthNAll') {
    const degraded = await ensureDegradedProfile(ctx, sp, device, mvpd);
    return json(201, { profiles: { [mvpd.id]: profileJson(degraded!) } });
  }
  if (!mvpd.partners.includes(r.path.partner!)) return ctx.validator.fail(r.op, ['invalid_configuration_platform_services'], `partner single sign-on is not enabled for ${mvpd.id}`).reply;
  const user = ctx.scenario.users.find((u) => u.mvpd === mvpd.id && u.username === saml.nameId) ?? { username: saml.nameId ?? 'partner-subscriber', password: '', mvpd: mvpd.id, attributes: {} };
  const profile = userProfile(ctx, mvpd, user, device, ssoIdentities(ctx, r.headers), { expiresAt: pfs.expiresAt });
  await saveProfile(ctx, sp, device, profile);
  return json(201, { profiles: { [mvpd.id]: profileJson(profile) } });
}
