// Preauthorization and logout: cache permits, and never log the user out because a decision was denied.
import { duration, PAGES, perDevice, type Rule, plural } from '../rule.ts';
import type { Exchange } from '../traffic.ts';

export const preauthorizationCachePermits: Rule = {
  id: 'preauthorization.cache-permits',
  level: 'MUST',
  title: 'Cache permitted preauthorization decisions',
  sources: [{ page: PAGES.checklist, section: 'Mandatory requirements › 4. (Optional) Preauthorization Phase › Preauthorization Decisions Caching', words: 'Keep permit decisions in memory: subscriptions rarely change while the application runs.' }],
  how: 'Per device and MVPD, a preauthorization request that asks again for a resource permitted less than 5 minutes earlier (our threshold for "the application is still running") is a finding.',
  fix: 'Keep permit decisions in memory for the session and ask only for resources without one.',
  check: (traffic, { label, options }) => perDevice(traffic, (device, found) => {
    let examined = 0;
    const permits = new Map<string, Exchange>();
    const again: { x: Exchange; prev: Exchange; resource: string }[] = [];
    for (const x of device.exchanges) {
      if (x.operationId !== 'retrievePreauthorizationDecisions') continue;
      examined++;
      const mvpd = x.mvpd ?? '';
      for (const r of x.resources ?? []) {
        const prev = permits.get(`${mvpd}\u0000${r}`);
        if (prev && x.start - prev.end < options.thresholds.preauthorizationCacheMs) {
          again.push({ x, prev, resource: r });
          break;
        }
      }
      for (const d of x.decisions ?? []) if (d.authorized) permits.set(`${mvpd}\u0000${d.resource}`, x);
    }
    const a = again[0];
    if (a) found(again.map((g) => g.x), `${plural(again.length, 'preauthorization request')} asked again for permitted resources (e.g. ${a.resource} at ${label(a.x)}, permitted ${duration(a.x.start - a.prev.end)} earlier by ${label(a.prev)})`);
    return examined;
  }),
};

/**
 * A decisions answer that denies: a deny decision, or a top-level error whose code is a denial
 * (authorization_denied_by_mvpd, …). A failure asking for a retry or an authentication is not a deny.
 */
const denies = (x: Exchange) =>
  (x.operationId === 'retrieveAuthorizationDecisions' || x.operationId === 'retrievePreauthorizationDecisions') &&
  (Boolean(x.decisions?.some((d) => !d.authorized && !(d.action === 'retry'))) || /denied/.test(x.error?.code ?? ''));

export const logoutNotAfterDeny: Rule = {
  id: 'logout.not-after-deny',
  level: 'SHOULD',
  title: 'Do not log the user out automatically after a denied decision',
  sources: [
    { page: PAGES.checklist, section: 'Recommended practices › 6. Logout Phase › User Experience', words: 'Do not call the logout API by program after a denied preauthorization or authorization; call it only when the user asks.' },
    { page: PAGES.aiRules, section: '6. Logout Phase Requirements', words: 'Avoid automatic logout on (pre)authorization denials; call logout only on a direct user request.' },
  ],
  how: 'Per device, a logout sent less than 10 s after a decisions answer that denied (a deny decision, or a top-level *_denied_* error) — faster than a user asking for it — is a finding.',
  fix: 'Show the deny message (enhanced error message/details) and keep the user signed in; log out only from a user action.',
  check: (traffic, { label, options }) => perDevice(traffic, (device, found) => {
    let examined = 0;
    let lastDeny: Exchange | undefined;
    for (const x of device.exchanges) {
      if (denies(x)) lastDeny = x;
      if (x.operationId !== 'initiateLogout') continue;
      examined++;
      if (lastDeny && x.start >= lastDeny.end && x.start - lastDeny.end < options.thresholds.logoutAfterDenyMs) {
        found([lastDeny, x], `logout ${label(x)} sent ${duration(x.start - lastDeny.end)} after the denied decision ${label(lastDeny)}`);
      }
    }
    return examined;
  }),
};
