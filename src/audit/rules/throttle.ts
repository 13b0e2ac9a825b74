// Throttling: stay within Adobe's per-device limit, and wait at least a second after a 429.
import { throttleStep, type ThrottleState } from '../../description/throttle.ts';
import { duration, PAGES, type RawFinding, type Rule, type Thresholds, startingBetween, plural } from '../rule.ts';
import { append } from '../../report/group.ts';
import type { Exchange, Traffic } from '../traffic.ts';

const THROTTLE_SOURCE = 'Actual limits and endpoints / API response changes and response';

/** Exchanges per throttle identity (X-Forwarded-For, else the connecting address), in time order. */
function byThrottleKey(traffic: Traffic): Map<string, Exchange[]> {
  const out = new Map<string, Exchange[]>();
  for (const x of traffic.exchanges) append(out, x.throttleKey, x);
  return out;
}

const keyLabel = (key: string, xs: Exchange[]) => (xs[0]!.forwardedFor ? `${key} (X-Forwarded-For)` : xs[0]!.deviceId ?? key);

/** The requests Adobe's throttle would refuse: the exchanges, in time order, folded through its step. */
function overLimit(xs: Exchange[], t: Pick<Thresholds, 'throttleBurst' | 'throttleRatePerSecond'>): Exchange[] {
  const limit = { ratePerSecond: t.throttleRatePerSecond, burst: t.throttleBurst };
  let state: ThrottleState | undefined;
  const refused: Exchange[] = [];
  for (const x of xs) {
    const step = throttleStep(state, x.start, limit);
    state = step.state;
    if (!step.admitted) refused.push(x);
  }
  return refused;
}

export const throttleRate: Rule = {
  id: 'throttle.rate',
  level: 'SHOULD',
  title: 'Stay within the throttle: 1 request per second after a burst of 10, per device',
  sources: [{ page: PAGES.throttling, section: THROTTLE_SOURCE, words: 'Each device (identified by X-Forwarded-For) may send 1 request per second, after a one-time burst of 10 on its first interaction; beyond that Adobe answers 429 Too Many Requests.' }],
  how: 'Per device as the throttle sees it (X-Forwarded-For, else the connecting address), replays the requests through the limit as the throttling page\'s scenario table applies it; requests it would refuse, and 429s actually received, are findings.',
  fix: 'Cut the calls the other rules name (token per call, fast polling, configuration refetches, retries); pace bursts (createPassClient({ limit: true }) keeps a device within the limit).',
  check(traffic, { label, options }) {
    const findings: RawFinding[] = [];
    let examined = 0;
    for (const [key, xs] of byThrottleKey(traffic)) {
      examined += xs.length;
      const refused = overLimit(xs, options.thresholds);
      const received = xs.filter((x) => x.status === 429);
      if (refused.length === 0 && received.length === 0) continue;
      const parts = [];
      if (refused.length) parts.push(`${refused.length} of ${plural(xs.length, 'request')} exceed the limit (first ${label(refused[0]!)})`);
      if (received.length) parts.push(`${received.length} answered 429 (first ${label(received[0]!)})`);
      findings.push({ device: keyLabel(key, xs), requests: [...new Set([...received, ...refused])].sort((a, b) => a.start - b.start), message: parts.join('; ') });
    }
    return { findings, examined };
  },
};

export const throttleWaitAfter429: Rule = {
  id: 'throttle.wait-after-429',
  level: 'MUST',
  title: 'Wait at least 1 second after a 429 before the next request',
  sources: [{ page: PAGES.throttling, section: 'API response changes and response / Reacting to new response code', words: 'An application that receives 429 waits at least one second before its next request.' }],
  how: 'Per device as the throttle sees it, a request started after a 429 arrived and less than max(1 s, Retry-After) later is a finding. Requests already in flight when the 429 arrived are not.',
  fix: 'After a 429, hold every request of that device for at least 1 s or Retry-After (the client\'s throttle middleware does).',
  check(traffic, { label, options }) {
    const findings: RawFinding[] = [];
    let examined = 0;
    for (const [key, xs] of byThrottleKey(traffic)) {
      const early: { x: Exchange; after: Exchange }[] = [];
      for (const r of xs) {
        if (r.status !== 429) continue;
        examined++;
        const wait = Math.max(options.thresholds.waitAfter429Ms, r.retryAfterMs ?? 0);
        for (const x of startingBetween(xs, r.end, r.end + wait)) if (x !== r) early.push({ x, after: r });
      }
      const unique = [...new Map(early.map((e) => [e.x, e])).values()];
      if (unique.length === 0) continue;
      const e = unique[0]!;
      findings.push({ device: keyLabel(key, xs), requests: unique.map((u) => u.x), message: `${plural(unique.length, 'request')} sent too soon after a 429 (e.g. ${label(e.x)}, ${duration(e.x.start - e.after.end)} after the 429 of ${label(e.after)})` });
    }
    return { findings, examined };
  },
};
