// Configuration phase: fetch the configuration only to let the user pick an MVPD, and cache it.
import { codeOwners, duration, PAGES, perDevice, type RawFinding, type Rule, plural } from '../rule.ts';
import { append } from '../../report/group.ts';
import type { Exchange } from '../traffic.ts';

const PROFILE_OPERATIONS = new Set(['retrieveProfiles', 'retrieveProfileForMvpd', 'retrieveProfileForCode', 'retrievePartnerProfile']);

export const configurationWhenNeeded: Rule = {
  id: 'configuration.when-needed',
  level: 'MUST',
  title: 'Fetch the configuration only when the user must pick an MVPD',
  sources: [
    { page: PAGES.checklist, section: 'Mandatory requirements › 2. Configuration Phase › Configuration Retrieval', words: 'Retrieve the configuration only to prompt the user to select an MVPD before authentication; not when the user is already authenticated, has temporary access, or can confirm the MVPD chosen before.' },
    { page: PAGES.aiRules, section: '2. Configuration Phase Requirements', words: 'Only retrieve the configuration when the user needs to select an MVPD.' },
  ],
  how: 'Per device, follows the profiles Adobe returned (profiles, profile for an MVPD, for a code — polls are attributed to the device that created the code — and partner profiles) until their notAfter or a logout; a configuration request while such a profile is valid is a finding.',
  fix: 'Check the cached profile (or GET /profiles) first; fetch the configuration only when no valid profile exists and the user has to choose a TV provider.',
  check(traffic, { label }) {
    const owners = codeOwners(traffic);
    // Profiles known per device: mvpd -> valid until (Infinity when the response gave no notAfter).
    const known = new Map<string, Map<string, { until: number; from: Exchange }>>();
    const findings: RawFinding[] = [];
    const hits = new Map<string, { x: Exchange; mvpd: string; from: Exchange }[]>();
    let examined = 0;
    for (const x of traffic.exchanges) {
      const device = x.operationId === 'retrieveProfileForCode' ? (owners.get(x.code ?? '')?.device ?? x.device) : x.device;
      const profiles = known.get(device) ?? new Map();
      known.set(device, profiles);
      if (x.operationId && PROFILE_OPERATIONS.has(x.operationId) && x.profiles) {
        for (const p of x.profiles) profiles.set(p.mvpd, { until: p.notAfter ?? Infinity, from: x });
      } else if (x.operationId === 'initiateLogout') {
        if (x.mvpd) profiles.delete(x.mvpd);
      } else if (x.error?.action === 'authentication') {
        profiles.clear();
      } else if (x.operationId === 'retrieveConfiguration') {
        examined++;
        const valid = [...profiles].find(([, p]) => p.until > x.start);
        if (valid) append(hits, device, { x, mvpd: valid[0], from: valid[1].from });
      }
    }
    for (const [device, xs] of hits) {
      const first = xs[0]!;
      findings.push({
        device: traffic.devices.get(device)?.label ?? device,
        requests: xs.map((h) => h.x),
        message: `fetched the configuration ${plural(xs.length, 'time')} while the user had a valid ${first.mvpd} profile (e.g. ${label(first.x)}, profile from ${label(first.from)})`,
      });
    }
    return { findings, examined };
  },
};

export const configurationCache: Rule = {
  id: 'configuration.cache',
  level: 'SHOULD',
  title: 'Cache the configuration for a few minutes',
  sources: [
    { page: PAGES.aiRules, section: '2. Configuration Phase Requirements › Configuration Caching', words: 'Cache the configuration response for 2–3 minutes.' },
    { page: PAGES.checklist, section: 'Recommended practices › 2. Configuration Phase › Configuration Caching', words: 'Keep the configuration response in memory or storage for a short time (e.g. 3–5 minutes).' },
  ],
  how: 'Per device and service provider, a configuration request sent less than 2 minutes (the lower bound of Adobe\'s ranges) after a successful one is a finding.',
  fix: 'Keep the configuration response in memory for 2–5 minutes and serve repeated MVPD pickers from it.',
  check: (traffic, { label, options }) => perDevice(traffic, (device, found) => {
    let examined = 0;
    const last = new Map<string, Exchange>();
    const repeats: { x: Exchange; prev: Exchange }[] = [];
    for (const x of device.exchanges) {
      if (x.operationId !== 'retrieveConfiguration') continue;
      examined++;
      const sp = x.serviceProvider ?? '';
      const prev = last.get(sp);
      if (prev && x.start - prev.end < options.thresholds.configurationCacheMs) repeats.push({ x, prev });
      if (x.status >= 200 && x.status < 300) last.set(sp, x);
    }
    const r = repeats[0];
    if (r) found(repeats.map((p) => p.x), `fetched the configuration again ${plural(repeats.length, 'time')} within ${duration(options.thresholds.configurationCacheMs)} of a successful fetch (e.g. ${label(r.x)}, ${duration(r.x.start - r.prev.end)} after ${label(r.prev)})`);
    return examined;
  }),
};
