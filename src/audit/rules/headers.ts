// Parameters and headers: Authorization, AP-Device-Identifier and X-Device-Info on every request, a
// stable device identifier, and X-Forwarded-For when a server calls on behalf of devices.
import { basename } from 'node:path';
import type { Operation } from '../../description/document.ts';
import type { Description } from '../../description/index.ts';
import { PAGES, perDevice, type CheckResult, type RawFinding, type Rule, type RuleContext, plural } from '../rule.ts';
import type { Exchange, Traffic } from '../traffic.ts';

const declares = (op: Operation, header: string) => op.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === header);

function operationsById(description: Description): Map<string, Operation> {
  return new Map(description.operations.map((op) => [op.operationId, op]));
}

/** Requests to operations for which `applies` holds that lack `header`, one finding per device (`judged` leaves some out). */
function missingHeader(traffic: Traffic, ctx: RuleContext, header: string, applies: (op: Operation) => boolean, judged: (x: Exchange) => boolean = () => true): CheckResult {
  const ops = operationsById(ctx.description);
  return perDevice(traffic, (device, found) => {
    let examined = 0;
    const missing: Exchange[] = [];
    for (const x of device.exchanges) {
      const op = x.operationId ? ops.get(x.operationId) : undefined;
      if (!op || !applies(op) || !judged(x)) continue;
      examined++;
      if (!x.headerNames.includes(header)) missing.push(x);
    }
    if (missing.length === 0) return examined;
    const perOp = [...new Set(missing.map((x) => x.operationId))].map((id) => `${id} ×${missing.filter((x) => x.operationId === id).length}`).join(', ');
    found(missing, `${plural(missing.length, 'request')} without ${header} (${perOp}); first ${ctx.label(missing[0]!)}`);
    return examined;
  });
}

export const authorizationHeader: Rule = {
  id: 'headers.authorization',
  level: 'MUST',
  title: 'Send Authorization on every REST API v2 request',
  sources: [
    { page: PAGES.checklist, section: 'Mandatory requirements › 7. Parameters and Headers › Send Authorization Header', words: 'Every REST API v2 request carries the Authorization header.' },
    { page: PAGES.aiRules, section: '7. Parameters and Headers Requirements', words: 'Authorization: send it on every REST API v2 request.' },
  ],
  how: 'Every request to an operation that the description secures with the DCR bearer token (all of /api/v2 except the user-agent authenticate page) must carry Authorization. A file in which no request carries it although Adobe answered its secured requests (which it does only with the token) was recorded without it, as Chrome exports HAR files by default: the rule is then undecided for that file.',
  fix: 'Attach `Authorization: Bearer <access token>` to every REST API v2 call (the client\'s access-token middleware does).',
  check(traffic, ctx) {
    const stripped = authorizationLeftOut(traffic, ctx.description);
    const result = missingHeader(traffic, ctx, 'authorization', (op) => op.needsAccessToken, (x) => !stripped.has(x.file));
    if (stripped.size === 0) return result;
    const several = traffic.files.length > 1;
    const why = [...stripped].map(([file, f]) => `${several ? `${basename(traffic.files[file]!)}: ` : ''}none of its ${plural(f.requests, 'request')} carries one, yet Adobe answered ${plural(f.answered, 'secured request')} without a 401`);
    return {
      ...result,
      undecided: `the recording leaves Authorization out: ${why.join('; ')}, which Adobe does only for requests that carry the token. Chrome's DevTools export HAR files sanitized by default (without Authorization, Cookie and Set-Cookie): export with sensitive data, or record with \`pass-contract proxy --record\``,
    };
  },
};

/**
 * The files whose recorder left Authorization out: no request in them carries it, yet Adobe
 * answered secured requests with something other than a 401, which it does only for a request
 * with its token. Chrome's default "sanitized" export strips it (and Cookie, Set-Cookie); a file
 * in which some request carries it keeps it, and a request there without it was sent without it.
 */
function authorizationLeftOut(traffic: Traffic, description: Description): Map<number, { requests: number; answered: number }> {
  const ops = operationsById(description);
  const files = new Map<number, { carries: boolean; requests: number; answered: number }>();
  for (const x of traffic.exchanges) {
    const f = files.get(x.file) ?? { carries: false, requests: 0, answered: 0 };
    files.set(x.file, f);
    f.requests++;
    if (x.headerNames.includes('authorization')) f.carries = true;
    else if (x.operationId && ops.get(x.operationId)?.needsAccessToken && x.status !== 0 && x.status !== 401) f.answered++;
  }
  return new Map([...files].filter(([, f]) => !f.carries && f.answered > 0).map(([file, { requests, answered }]) => [file, { requests, answered }]));
}

export const deviceIdentifierHeader: Rule = {
  id: 'headers.device-identifier',
  level: 'MUST',
  title: 'Send AP-Device-Identifier on every request',
  sources: [
    { page: PAGES.checklist, section: 'Mandatory requirements › 7. Parameters and Headers › Send AP-Device-Identifier Header', words: 'Every REST API v2 request carries AP-Device-Identifier; from a server acting for a device, it still identifies the actual streaming device.' },
  ],
  how: 'Every request to an operation whose page lists AP-Device-Identifier (required or optional) must carry it. Operations whose page does not list it (sessions and profiles by code, the user-agent page, DCR) are not judged: sending it there would break the documented-parameters rule.',
  fix: 'Compute the device identifier once per device and send it on every call (deviceHeaders() in pass-contract-client).',
  check: (traffic, ctx) => missingHeader(traffic, ctx, 'ap-device-identifier', (op) => declares(op, 'ap-device-identifier')),
};

export const deviceInfoHeader: Rule = {
  id: 'headers.device-info',
  level: 'MUST',
  title: 'Send X-Device-Info on every request',
  sources: [
    { page: PAGES.checklist, section: 'Mandatory requirements › 7. Parameters and Headers › Send X-Device-Info Header', words: 'Every REST API v2 request carries X-Device-Info describing the actual streaming device, even when a server sends it.' },
  ],
  how: 'Every request to an operation whose page lists X-Device-Info (required or optional, DCR included) must carry it.',
  fix: 'Send X-Device-Info (base64 JSON of the streaming device) on every call (buildDeviceInfo() in pass-contract-client).',
  check: (traffic, ctx) => missingHeader(traffic, ctx, 'x-device-info', (op) => declares(op, 'x-device-info')),
};

/** The fields of X-Device-Info that do not change between requests of one device. */
function stableDeviceInfo(value: string, cache: Map<string, string>): string {
  const hit = cache.get(value);
  if (hit !== undefined) return hit;
  let key = value;
  try {
    const decoded = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as Record<string, unknown>;
    if (decoded && typeof decoded === 'object') {
      const { connectionPort: _port, ...rest } = decoded;
      key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
    }
  } catch {
    // Not base64 JSON: compare the raw value.
  }
  cache.set(value, key);
  return key;
}

export const deviceIdentifierStable: Rule = {
  id: 'headers.device-identifier-stable',
  level: 'MUST',
  title: 'Keep one AP-Device-Identifier per device',
  sources: [
    { page: PAGES.aiRules, section: '7. Parameters and Headers Requirements › Device Identifier Stability', words: 'Compute a stable identifier that survives updates and reboots; generate and persist one where the platform has no hardware id. A changing identifier loses the authentication.' },
    { page: PAGES.deviceIdentifier, section: 'AP-Device-Identifier', words: 'The identifier of the streaming device, stable for that device.' },
  ],
  how: 'Requests with the same X-Forwarded-For, the same User-Agent and the same X-Device-Info (connectionPort ignored) come from one device; more than one AP-Device-Identifier among them is a finding. Without X-Device-Info the traffic cannot link requests and the rule is not exercised; two identical devices behind one address would be taken for one.',
  fix: 'Derive the identifier from a stable hardware id, or generate it once and persist it (deriveStableDeviceId() in pass-contract-client); never per launch or per request.',
  check(traffic, { label }) {
    const cache = new Map<string, string>();
    const byDevice = new Map<string, Map<string, Exchange>>();
    let examined = 0;
    for (const x of traffic.exchanges) {
      if (!x.deviceId || !x.deviceInfo) continue;
      examined++;
      const link = `${x.forwardedFor ?? ''}\u0000${x.userAgent ?? ''}\u0000${stableDeviceInfo(x.deviceInfo, cache)}`;
      const ids = byDevice.get(link) ?? new Map<string, Exchange>();
      if (!ids.has(x.deviceId)) ids.set(x.deviceId, x);
      byDevice.set(link, ids);
    }
    const findings: RawFinding[] = [];
    for (const ids of byDevice.values()) {
      if (ids.size < 2) continue;
      const firsts = [...ids.values()];
      const where = firsts[0]!.forwardedFor ? ` at ${firsts[0]!.forwardedFor}` : '';
      findings.push({
        device: firsts[0]!.deviceId!,
        requests: firsts,
        message: `one device${where} (same X-Device-Info and User-Agent) sent ${ids.size} different AP-Device-Identifier values; each first used at ${firsts.slice(0, 10).map(label).join(', ')}`,
      });
    }
    return { findings, examined };
  },
};

export const forwardedFor: Rule = {
  id: 'headers.forwarded-for',
  level: 'MUST',
  title: 'Forward the device\'s IP address in X-Forwarded-For (server-to-server)',
  sources: [
    { page: PAGES.throttling, section: 'Required Updates / Passing X-Forwarded-For header', words: 'Server-to-server implementations forward their users\' IP addresses in X-Forwarded-For; the throttle identifies devices by it.' },
    { page: PAGES.cookbook, section: 'Requirements', words: 'The programmer service collects the streaming device\'s IP address and passes it in X-Forwarded-For.' },
  ],
  how: 'Only with --server-to-server (traffic alone cannot tell a server from a device): every REST API v2 request to an operation that lists X-Forwarded-For must carry it.',
  fix: 'Pass the streaming device\'s public IP in X-Forwarded-For on every call made on its behalf (deviceHeaders({ forwardedFor }) in pass-contract-client).',
  check(traffic, ctx) {
    if (!ctx.options.serverToServer) {
      const examined = traffic.exchanges.filter((x) => x.path.startsWith('/api/v2/')).length;
      return { findings: [], examined, undecided: 'traffic alone cannot tell whether a server sent it for devices; pass --server-to-server to judge it' };
    }
    return missingHeader(traffic, ctx, 'x-forwarded-for', (op) => declares(op, 'x-forwarded-for'));
  },
};
