// Registration phase: client credentials registered once, access tokens reused until they expire.
import { duration, PAGES, perDevice, type RawFinding, type Rule, startingBetween, plural } from '../rule.ts';
import { append } from '../../report/group.ts';
import type { Exchange } from '../traffic.ts';

const ok = (x: Exchange) => x.status >= 200 && x.status < 300;
const clientName = (id: string | undefined) => (id ? `client_id ${id}` : '(client_id not in the recording)');

export const registrationOnce: Rule = {
  id: 'registration.once',
  level: 'MUST',
  title: 'Register once and reuse the client credentials',
  sources: [
    { page: PAGES.checklist, section: 'Mandatory requirements › 1. Registration Phase › Client Credentials Caching', words: 'Keep the client credentials in persistent storage and use them for every access token request.' },
    { page: PAGES.cookbook, section: 'Step 1: Register your application', words: 'Store the client credentials and use them indefinitely whenever an access token is needed.' },
  ],
  how: 'Counts successful POST /o/client/register per software statement (compared by reference, never by value) and device. More than one is a finding, unless the token endpoint rejected the stored credentials with invalid_client in between.',
  fix: 'Store client_id/client_secret from the first registration in persistent storage and register again only when the token endpoint answers invalid_client.',
  check(traffic, { label }) {
    const groups = new Map<string, Exchange[]>();
    let examined = 0;
    let revokedSince = new Set<string>();
    const findings: RawFinding[] = [];
    for (const x of traffic.exchanges) {
      if (x.operationId === 'retrieveAccessToken' && x.error?.code === 'invalid_client') revokedSince.add(x.device);
      if (x.operationId !== 'retrieveClientCredentials') continue;
      examined++;
      if (!ok(x)) continue;
      const key = `${x.softwareStatement ?? '?'}|${x.device}`;
      // A registration after invalid_client is the documented recovery: start counting afresh.
      if (revokedSince.has(x.device)) {
        revokedSince = new Set([...revokedSince].filter((d) => d !== x.device));
        groups.set(key, [x]);
        continue;
      }
      append(groups, key, x);
    }
    for (const xs of groups.values()) {
      if (xs.length < 2) continue;
      const device = traffic.devices.get(xs[0]!.device)!.label;
      findings.push({ device, requests: xs, message: `registered ${xs.length} times with the same software statement (${xs.map(label).slice(0, 10).join(', ')}): the client credentials were not kept and reused` });
    }
    return { findings, examined };
  },
};

export const tokenReuse: Rule = {
  id: 'token.reuse',
  level: 'MUST',
  title: 'Reuse the access token until it expires (no token per call)',
  sources: [
    { page: PAGES.checklist, section: 'Mandatory requirements › 1. Registration Phase › Access Tokens Caching', words: 'Keep access tokens in persistent storage and reuse them until they expire; never request a token for every REST API v2 call.' },
    { page: PAGES.aiRules, section: '1. Registration Phase Requirements', words: 'Never request a new token for every API call; refresh only when it has expired.' },
  ],
  how: 'Per client_id, each POST /o/client/token is compared with the token issued before it (its expires_in): a request while that token still had more than max(5 min, 10 % of its lifetime) left is a finding, unless a 401 for that token came back in between.',
  fix: 'Cache the access token with its expiry (persistent storage) and request a new one only shortly before expires_in, or after a 401 invalid_access_token_*.',
  check(traffic, { label, options }) {
    const byClient = new Map<string, Exchange[]>();
    for (const x of traffic.exchanges) if (x.operationId === 'retrieveAccessToken') append(byClient, x.clientId ?? '', x);
    const rejected = new Map<string, number[]>();
    for (const x of traffic.exchanges) if (x.status === 401 && x.token) append(rejected, x.token, x.end);
    const apiCalls = traffic.exchanges.filter((x) => x.path.startsWith('/api/v2/')).length;
    const findings: RawFinding[] = [];
    let examined = 0;
    for (const [clientId, requests] of byClient) {
      examined += requests.length;
      let current: { token: string; issuedAt: number; lifetime: number; by: Exchange } | undefined;
      const early: { x: Exchange; left: number; prev: Exchange }[] = [];
      for (const x of requests) {
        if (current) {
          const left = current.issuedAt + current.lifetime - x.start;
          const refused = (rejected.get(current.token) ?? []).some((t) => t >= current!.issuedAt && t <= x.start);
          if (!refused && left > options.thresholds.tokenRenewalMarginMs(current.lifetime)) early.push({ x, left, prev: current.by });
        }
        if (x.issued) current = { token: x.issued.token, issuedAt: x.end, lifetime: x.issued.expiresInMs, by: x };
      }
      if (early.length === 0) continue;
      const first = early[0]!;
      findings.push({
        device: clientName(clientId || undefined),
        requests: early.map((e) => e.x),
        message: `${early.length} of ${plural(requests.length, 'token request')} (for ${plural(apiCalls, 'REST API v2 call')}) were sent while the previous token was still valid: e.g. ${label(first.x)} with ${duration(first.left)} left on the token from ${label(first.prev)}`,
      });
    }
    return { findings, examined };
  },
};

export const tokenExpiredUse: Rule = {
  id: 'token.expired-use',
  level: 'SHOULD',
  title: 'Check the access token is still valid before using it',
  sources: [{ page: PAGES.checklist, section: 'Recommended practices › 1. Registration Phase › Access Tokens Validation', words: 'Check proactively whether the access token is still valid and refresh it when it has expired.' }],
  how: 'For every token issued in the recording, requests that still carry it after issue time + expires_in are findings (tokens issued outside the recording are not judged).',
  fix: 'Keep the expiry next to the cached token and refresh before sending a request with an expired one.',
  check(traffic, { label }) {
    const expiry = new Map<string, number>();
    for (const x of traffic.exchanges) if (x.issued) expiry.set(x.issued.token, x.end + x.issued.expiresInMs);
    const late = new Map<string, Exchange[]>();
    let examined = 0;
    for (const x of traffic.exchanges) {
      if (!x.token || !expiry.has(x.token)) continue;
      examined++;
      if (x.start > expiry.get(x.token)!) append(late, x.device, x);
    }
    const findings = [...late].map(([device, xs]) => ({
      device: traffic.devices.get(device)!.label,
      requests: xs,
      message: `${plural(xs.length, 'request')} sent with an expired access token (first ${label(xs[0]!)}, ${duration(xs[0]!.start - expiry.get(xs[0]!.token!)!)} after it expired)`,
    }));
    return { findings, examined };
  },
};

export const tokenRefreshOn401: Rule = {
  id: 'token.refresh-on-401',
  level: 'SHOULD',
  title: 'After a 401, refresh the access token before retrying',
  sources: [{ page: PAGES.checklist, section: 'Recommended practices › 1. Registration Phase › Access Tokens Validation', words: 'A retry after HTTP 401 "Unauthorized" must first refresh the access token, then repeat the original request.' }],
  how: 'After a 401 to a request with token T, the same call (method, path, query, body) from the same device within the retry window carrying T again is a finding.',
  fix: 'On 401 invalid_access_token_*, drop the cached token, fetch a new one, then repeat the call once.',
  check: (traffic, { label, options }) => perDevice(traffic, (device, found) => {
    let examined = 0;
    const xs = device.exchanges;
    const repeats: Exchange[] = [];
    for (const x of xs) {
      if (x.status !== 401 || !x.token) continue;
      examined++;
      const next = startingBetween(xs, x.end, x.end + options.thresholds.retryWindowMs + 1).find((y) => y !== x && y.method === x.method && y.path === x.path && y.bodyRef === x.bodyRef);
      if (next && next.token === x.token) repeats.push(next);
    }
    if (repeats.length) found(repeats, `retried ${plural(repeats.length, 'call')} with the access token that had just been refused with 401 (${repeats.slice(0, 5).map(label).join(', ')})`);
    return examined;
  }),
};
