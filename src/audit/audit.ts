// Runs every rule over recorded traffic and collects the outcome per rule: pass, fail (with
// findings), not exercised by this traffic, or undecided without more information.
import { basename } from 'node:path';
import type { Description } from '../description/index.ts';
import { HarRedactor } from '../http/har-redact.ts';
import { DEFAULT_THRESHOLDS, type AuditOptions, type Finding, type Level, type NotCheckable, type Rule } from './rule.ts';
import { NOT_CHECKABLE, RULES } from './rules/index.ts';
import { loadTraffic, type Exchange, type LoadOptions, type Traffic } from './traffic.ts';

export type FailOn = 'must' | 'should';
export type RuleStatus = 'pass' | 'fail' | 'not-exercised' | 'undecided';

/** A rule as data (without its check) and what it found in this traffic. */
export interface RuleOutcome extends Omit<Rule, 'check'> {
  status: RuleStatus;
  examined: number;
  findings: Finding[];
  /** Why an undecided rule could not be judged. */
  note?: string;
}

export interface AuditReport {
  files: string[];
  startedAt: string;
  durationMs: number;
  failOn: FailOn;
  traffic: { entries: number; exchanges: number; ignored: number; devices: number };
  rules: RuleOutcome[];
  notCheckable: NotCheckable[];
  counts: { rules: number; pass: number; fail: number; notExercised: number; undecided: number; notCheckable: number; must: number; should: number };
}

export interface AuditSettings extends Partial<Omit<AuditOptions, 'thresholds'>> {
  description: Description;
  failOn?: FailOn;
  thresholds?: Partial<AuditOptions['thresholds']>;
  rules?: readonly Rule[];
}

/** Findings at or above the fail level make the run fail. */
export const failing = (report: Pick<AuditReport, 'counts' | 'failOn'>) => report.counts.must > 0 || (report.failOn === 'should' && report.counts.should > 0);

/** Reads the files, runs the rules, and returns the report (the caller writes it). */
export async function auditFiles(files: string[], settings: AuditSettings & LoadOptions): Promise<AuditReport> {
  const started = Date.now();
  const traffic = await loadTraffic(files, settings.description, { ...(settings.hosts ? { hosts: settings.hosts } : {}), ...(settings.signal ? { signal: settings.signal } : {}) });
  return auditTraffic(traffic, settings, started);
}

export function auditTraffic(traffic: Traffic, settings: AuditSettings, started = Date.now()): AuditReport {
  const options: AuditOptions = {
    serverToServer: settings.serverToServer ?? false,
    allowHeaders: settings.allowHeaders ?? [],
    thresholds: { ...DEFAULT_THRESHOLDS, ...settings.thresholds },
  };
  const names = traffic.files.map((f) => basename(f));
  const label = (x: Exchange) => (traffic.files.length > 1 ? `${names[x.file]}#${x.entry}` : `#${x.entry}`);
  // Messages quote paths and device ids from the traffic: scrub anything shaped like a token.
  const scrub = new HarRedactor();
  const ctx = { description: settings.description, options, label };
  const rules = (settings.rules ?? RULES).map(({ check, ...rule }): RuleOutcome => {
    const result = check(traffic, ctx);
    const findings: Finding[] = result.findings.map((f) => ({
      rule: rule.id,
      level: rule.level,
      device: scrub.text(f.device),
      requests: sample(f.requests).map(label),
      message: scrub.text(f.message),
    }));
    const status: RuleStatus = findings.length ? 'fail' : result.undecided ? 'undecided' : result.examined === 0 ? 'not-exercised' : 'pass';
    return {
      ...rule,
      status, examined: result.examined, findings,
      ...(result.undecided && !findings.length ? { note: result.undecided } : {}),
    };
  });
  const n = (s: RuleStatus) => rules.filter((r) => r.status === s).length;
  const count = (level: Level) => rules.filter((r) => r.level === level).reduce((sum, r) => sum + r.findings.length, 0);
  return {
    files: traffic.files,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    failOn: settings.failOn ?? 'must',
    traffic: { entries: traffic.entries, exchanges: traffic.exchanges.length, ignored: traffic.ignored, devices: traffic.devices.size },
    rules,
    notCheckable: [...NOT_CHECKABLE],
    counts: { rules: rules.length, pass: n('pass'), fail: n('fail'), notExercised: n('not-exercised'), undecided: n('undecided'), notCheckable: NOT_CHECKABLE.length, must: count('MUST'), should: count('SHOULD') },
  };
}

/** At most `max` requests per finding (the first ones and the last), so reports stay readable. */
function sample(xs: Exchange[], max = 20): Exchange[] {
  if (xs.length <= max) return xs;
  return [...xs.slice(0, max - 1), xs[xs.length - 1]!];
}
