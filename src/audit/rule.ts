// What an audit rule is: data (id, level, source, what to change) plus a check over recorded traffic.
import type { Description } from '../description/index.ts';
import type { Device, Exchange, Traffic } from './traffic.ts';

export type Level = 'MUST' | 'SHOULD';

/** Where a rule comes from: the page (path in this repository), its section, and the rule in our words. */
export interface RuleSource {
  page: string;
  section: string;
  words: string;
}

/** One violation: which device, which requests show it, and what happened. */
export interface Finding {
  rule: string;
  level: Level;
  device: string;
  /** Request references: `#12` (entry 12 of the file), or `file.har#12` when several files were audited. */
  requests: string[];
  message: string;
}

/** A finding as a check reports it: every request that shows it (the report keeps a sample and labels them). */
export type RawFinding = { device: string; requests: Exchange[]; message: string };

export interface CheckResult {
  findings: RawFinding[];
  /** How many requests (or sessions, codes, clients) the rule looked at; 0 means the traffic never exercised it. */
  examined: number;
  /** Set when the traffic cannot decide the rule without more information; says what is missing. */
  undecided?: string;
}

export interface AuditOptions {
  /** The traffic was sent by a programmer service on behalf of devices (enables the X-Forwarded-For rule). */
  serverToServer: boolean;
  /** Headers beyond the description and HTTP's own that the documented-parameters rule accepts. */
  allowHeaders: string[];
  thresholds: Thresholds;
}

/** The numbers the rules compare against; each default comes from Adobe's pages or is ours and says so. */
export interface Thresholds {
  /** Adobe: poll every 3–5 seconds. */
  pollMinIntervalMs: number;
  /** Slack for timestamps taken by different clocks (recorder vs client). Ours. */
  clockToleranceMs: number;
  /** Adobe: "limit retries to a reasonable number (i.e. 2-3)". */
  maxRetries: number;
  /** An identical request this soon after a failed one is an automatic retry, not a user's new attempt. Ours. */
  retryWindowMs: number;
  /** Adobe (AI rules): cache the configuration 2–3 minutes; the lower bound. */
  configurationCacheMs: number;
  /** A logout this soon after a deny is automatic, not the user's. Ours. */
  logoutAfterDenyMs: number;
  /** A permit asked again this soon was not cached. Ours. */
  preauthorizationCacheMs: number;
  /** Adobe: wait at least 1 s after a 429. */
  waitAfter429Ms: number;
  /** Adobe: 1 request per second after a one-time burst of 10, per device. */
  throttleBurst: number;
  throttleRatePerSecond: number;
  /** A token renewed with less than this left is renewed "when it expires": max(5 min, 10 % of its lifetime). Ours, as our client does. */
  tokenRenewalMarginMs: (lifetimeMs: number) => number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  pollMinIntervalMs: 3000,
  clockToleranceMs: 50,
  maxRetries: 3,
  retryWindowMs: 10_000,
  configurationCacheMs: 120_000,
  logoutAfterDenyMs: 10_000,
  preauthorizationCacheMs: 300_000,
  waitAfter429Ms: 1000,
  throttleBurst: 10,
  throttleRatePerSecond: 1,
  tokenRenewalMarginMs: (lifetime) => Math.max(5 * 60_000, lifetime / 10),
};

export interface RuleContext {
  description: Description;
  options: AuditOptions;
  /** How messages name a request: `#12`, or `file.har#12` when several files are audited. */
  label: (x: Exchange) => string;
}

export interface Rule {
  /** Stable id, `<phase>.<what>`; reports, waivers and CI annotations key on it. */
  id: string;
  level: Level;
  title: string;
  sources: RuleSource[];
  /** How the check decides from traffic, including its limits. */
  how: string;
  /** What to change when it fails. */
  fix: string;
  check(traffic: Traffic, ctx: RuleContext): CheckResult;
}

/** A rule of Adobe's that traffic cannot decide, and why; listed in every report, never passed. */
export interface NotCheckable {
  id: string;
  level: Level;
  title: string;
  sources: RuleSource[];
  why: string;
}

// Pages the rules cite, as paths in this repository (Adobe's pages are vendored in reference/).
export const PAGES = {
  checklist: 'reference/adobe-pass/rest-api-v2/rest-api-v2-checklist.md',
  aiRules: 'reference/adobe-pass/rest-api-v2/rest-api-v2-ai-rules.md',
  throttling: 'reference/adobe-pass/features/throttling-mechanism.md',
  errors: 'reference/adobe-pass/features/enhanced-error-codes.md',
  cookbook: 'reference/seeds/004_8db74b17f5e370c4.txt',
  deviceIdentifier: 'reference/adobe-pass/rest-api-v2/appendix/headers/rest-api-v2-appendix-headers-ap-device-identifier.md',
} as const;

// Small helpers the rules share.

/** "2.1 s" / "350 ms" / "5 min 59 s" for messages. */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const [small, ratio, bigUnit, smallUnit] = abs < 3_600_000 ? [1000, 60, 'min', 's'] : [60_000, 60, 'h', 'min'];
  const total = Math.round(abs / small);
  const rest = total % ratio;
  return `${ms < 0 ? '-' : ''}${Math.floor(total / ratio)} ${bigUnit}${rest ? ` ${rest} ${smallUnit}` : ''}`;
}

/** "1 request" / "3 requests". */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Whether the response says the call failed: an HTTP error, a top-level enhanced error, or every decision failing. */
export function failed(x: Exchange): boolean {
  if (x.status >= 400 || x.error) return true;
  return Boolean(x.decisions?.length && x.decisions.every((d) => d.action !== undefined));
}

/** Whether the failure invites a retry: `action: retry`, a 5xx without another action, or every failed decision saying retry. */
export function retryable(x: Exchange): boolean {
  if (x.error?.action) return x.error.action === 'retry';
  if (x.status >= 500) return true;
  if (x.status < 400 && x.decisions?.length) return x.decisions.every((d) => d.action === 'retry');
  return false;
}

/** Same call: method, path, query and body. */
export const callSignature = (x: Exchange) => `${x.method} ${x.path}?${x.query?.map(([k, v]) => `${k}=${v}`).join('&') ?? ''} ${x.bodyRef ?? ''}`;

/**
 * The shape of most checks: each device's exchanges (in time order) judged on their own. `judge` reports
 * each finding with `found(requests, message)` and returns how many exchanges it examined.
 */
export function perDevice(traffic: Traffic, judge: (device: Device, found: (requests: Exchange[], message: string) => void) => number): CheckResult {
  const findings: RawFinding[] = [];
  let examined = 0;
  for (const device of traffic.devices.values()) examined += judge(device, (requests, message) => void findings.push({ device: device.label, requests, message }));
  return { findings, examined };
}

/** The device that created a session code (polls by code carry no device header). */
export function codeOwners(traffic: Traffic): Map<string, Exchange> {
  const owners = new Map<string, Exchange>();
  for (const x of traffic.exchanges) if (x.session?.code && x.operationId === 'createAuthenticationSession' && !owners.has(x.session.code)) owners.set(x.session.code, x);
  return owners;
}

/** The exchanges of `xs` (sorted by start) that start in [from, to), found by binary search. */
export function startingBetween(xs: Exchange[], from: number, to: number): Exchange[] {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]!.start < from) lo = mid + 1;
    else hi = mid;
  }
  const out: Exchange[] = [];
  for (let i = lo; i < xs.length && xs[i]!.start < to; i++) out.push(xs[i]!);
  return out;
}
