// The service provider's configuration: its integrated MVPDs for the TV provider picker.
import { decodeBase64Json } from '../../description/validator.ts';
import type { OpRequest, SimContext } from '../context.ts';
import { json, type SimResponse } from '../reply.ts';

const NO_LOGO = 'https://entitlement.auth.adobe.com/entitlement/noLogo.png';

/**
 * The configuration depends only on the scenario and the device's X-Device-Info (Adobe says it
 * can be cached per platform), so answers are kept per scenario, service provider and header.
 */
const cache = new WeakMap<object, Map<string, SimResponse>>();
const CACHE_LIMIT = 1000;

export async function retrieveConfiguration(ctx: SimContext, r: OpRequest): Promise<SimResponse> {
  let answers = cache.get(ctx.scenario);
  if (!answers) cache.set(ctx.scenario, (answers = new Map()));
  const key = `${r.path.serviceProvider}\u0000${r.headers['x-device-info'] ?? ''}`;
  let answer = answers.get(key);
  if (!answer) {
    if (answers.size >= CACHE_LIMIT) answers.clear();
    answers.set(key, (answer = build(ctx, r)));
  }
  return { status: answer.status, headers: { ...answer.headers }, ...(answer.body !== undefined ? { body: answer.body } : {}) };
}

function build(ctx: SimContext, r: OpRequest): SimResponse {
  const sp = ctx.scenario.serviceProviders[r.path.serviceProvider!]!;
  const info = r.headers['x-device-info'] ? decodeBase64Json(r.headers['x-device-info']) : undefined;
  const device = info?.ok ? (info.value as { primaryHardwareType?: string; osName?: string }) : {};
  return json(200, {
    device: device.primaryHardwareType ?? 'unknown',
    clientType: 'html5',
    os: device.osName ?? 'Unknown',
    requestor: {
      id: sp.id,
      name: sp.name,
      domains: sp.domains.map((name) => ({ name, mvpdInitiated: false })),
      mvpds: sp.mvpds.map((id) => {
        const m = ctx.scenario.mvpds[id]!;
        const apple = m.partners.includes('Apple');
        return {
          id, displayName: m.displayName, logoUrl: m.logoUrl ?? NO_LOGO,
          ...(m.kind !== 'regular' ? { isTempPass: true, authPerAggregator: true } : {}),
          ...(apple ? { enablePlatformServices: true, displayInPlatformPicker: true, platformMappingId: m.platformMappingId } : {}),
        };
      }),
    },
  });
}
