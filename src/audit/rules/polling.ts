// Authentication phase: poll for the profile every 3–5 seconds, and stop on success, expiry or a new code.
import { codeOwners, duration, PAGES, retryable, type RawFinding, type Rule, plural } from '../rule.ts';
import { append } from '../../report/group.ts';
import type { Exchange, Traffic } from '../traffic.ts';

const POLL_SOURCES = {
  checklist: PAGES.checklist,
  section: 'Mandatory requirements › 3. Authentication Phase',
};

/** Polls by code, grouped per code, in time order. */
function pollsByCode(traffic: Traffic): Map<string, Exchange[]> {
  const polls = new Map<string, Exchange[]>();
  for (const x of traffic.exchanges) {
    if (x.operationId !== 'retrieveProfileForCode' || !x.code) continue;
    append(polls, x.code, x);
  }
  return polls;
}

const PROFILE_POLL = new Set(['retrieveProfiles', 'retrieveProfileForMvpd']);

export const pollingInterval: Rule = {
  id: 'polling.interval',
  level: 'MUST',
  title: 'Poll for the profile every 3–5 seconds, never faster',
  sources: [
    { page: POLL_SOURCES.checklist, section: `${POLL_SOURCES.section} › Polling Mechanism Configuring`, words: 'The streaming application polls every 3–5 seconds (or less often).' },
    { page: PAGES.aiRules, section: '3. Authentication Phase Requirements › Polling Mechanism', words: 'Poll every 3–5 seconds, no faster.' },
  ],
  how: 'Start-to-start gaps between polls of one code (GET /profiles/code/{code}), and between repeated GET /profiles or /profiles/{mvpd} of one device that kept answering "no profile yet", must be at least 3 s (50 ms clock slack). A quick retry after `action: retry` or a 5xx is judged by the retry rules instead.',
  fix: 'Wait 3–5 s between polls (e.g. pollProfileByCode in pass-contract-client), measured from the previous poll.',
  check(traffic, { label, options }) {
    const { pollMinIntervalMs, clockToleranceMs } = options.thresholds;
    const owners = codeOwners(traffic);
    const findings: RawFinding[] = [];
    let examined = 0;
    const judge = (device: string, what: string, polls: Exchange[]) => {
      examined += polls.length;
      const fast: { x: Exchange; gap: number; prev: Exchange }[] = [];
      for (let i = 1; i < polls.length; i++) {
        const prev = polls[i - 1]!;
        const x = polls[i]!;
        if (retryable(prev)) continue;
        const gap = x.start - prev.start;
        if (gap < pollMinIntervalMs - clockToleranceMs) fast.push({ x, gap, prev });
      }
      if (fast.length === 0) return;
      const min = fast.reduce((a, b) => (b.gap < a.gap ? b : a));
      findings.push({ device, requests: fast.map((f) => f.x), message: `${what}: ${fast.length} of ${polls.length - 1} intervals between polls were shorter than ${duration(pollMinIntervalMs)} (shortest ${duration(min.gap)}, ${label(min.prev)} → ${label(min.x)})` });
    };
    for (const [code, polls] of pollsByCode(traffic)) {
      const owner = owners.get(code);
      judge(traffic.devices.get(owner?.device ?? polls[0]!.device)?.label ?? polls[0]!.device, `code ${code}`, polls);
    }
    // Polling by device: consecutive profile requests on one path that kept finding nothing.
    for (const device of traffic.devices.values()) {
      const byPath = new Map<string, Exchange[]>();
      for (const x of device.exchanges) if (x.operationId && PROFILE_POLL.has(x.operationId)) append(byPath, x.path, x);
      for (const [path, xs] of byPath) {
        // A run of polls: each one after a response that found no profile.
        const run: Exchange[] = [];
        const flush = () => {
          if (run.length > 1) judge(device.label, `${path} polled`, [...run]);
          run.length = 0;
        };
        for (const x of xs) {
          const prev = run[run.length - 1];
          if (prev && !(prev.profiles && prev.profiles.length === 0)) flush();
          run.push(x);
        }
        flush();
      }
    }
    return { findings, examined };
  },
};

export const pollingStop: Rule = {
  id: 'polling.stop',
  level: 'MUST',
  title: 'Stop polling on success, when the code expires, or when a new code is created',
  sources: [
    { page: POLL_SOURCES.checklist, section: `${POLL_SOURCES.section} › Polling Mechanism Stopping`, words: 'Stop polling once the profile is retrieved, once the session and code expire, and at once when the user asks for a new code (the old session is no longer valid).' },
    { page: PAGES.cookbook, section: 'Step 4: Check for authenticated profiles', words: 'The code expires at the notAfter of the Sessions response; polling with an expired or replaced code must stop immediately.' },
  ],
  how: 'Per code: polls after the first poll that returned a profile, polls that start after the notAfter of the code\'s session (50 ms slack), and polls after the same device created a newer code, are findings.',
  fix: 'End the polling loop when a profile arrives, at the session\'s notAfter, and when the user requests a new code (abort the old loop).',
  check(traffic, { label, options }) {
    const owners = codeOwners(traffic);
    const notAfter = new Map<string, number>();
    for (const x of traffic.exchanges) if (x.session?.code && x.session.notAfter !== undefined) notAfter.set(x.session.code, Math.max(notAfter.get(x.session.code) ?? 0, x.session.notAfter));
    // Newer codes per device, to find when each code was replaced.
    const createdBy = new Map<string, Exchange[]>();
    for (const x of owners.values()) append(createdBy, x.device, x);
    const findings: RawFinding[] = [];
    let examined = 0;
    for (const [code, polls] of pollsByCode(traffic)) {
      examined += polls.length;
      const owner = owners.get(code);
      const device = traffic.devices.get(owner?.device ?? polls[0]!.device)?.label ?? polls[0]!.device;
      const success = polls.find((x) => x.profiles && x.profiles.length > 0);
      // Polls sent once the profile had arrived (a zero-duration exchange must not count itself).
      const afterSuccess = success ? polls.slice(polls.indexOf(success) + 1).filter((x) => x.start >= success.end) : [];
      const expiry = notAfter.get(code);
      const afterExpiry = expiry === undefined ? [] : polls.filter((x) => x.start > expiry + options.thresholds.clockToleranceMs);
      const replacement = owner ? (createdBy.get(owner.device) ?? []).find((c) => c.start > owner.start && c.session?.code !== code) : undefined;
      const afterReplacement = replacement ? polls.filter((x) => x.start >= replacement.end) : [];
      if (afterSuccess.length) findings.push({ device, requests: afterSuccess, message: `code ${code}: ${plural(afterSuccess.length, 'poll')} after the profile was returned by ${label(success!)}` });
      if (afterExpiry.length) findings.push({ device, requests: afterExpiry, message: `code ${code}: ${plural(afterExpiry.length, 'poll')} after the code expired at ${new Date(expiry!).toISOString()} (first ${duration(afterExpiry[0]!.start - expiry!)} late)` });
      if (afterReplacement.length) findings.push({ device, requests: afterReplacement, message: `code ${code}: ${plural(afterReplacement.length, 'poll')} after the device created code ${replacement!.session!.code} (${label(replacement!)})` });
    }
    return { findings, examined };
  },
};
