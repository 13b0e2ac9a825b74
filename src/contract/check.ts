// The main job: run every contract case against a target (the embedded mock, the simulator or a real
// Adobe host), classify the drift, and keep the report on disk up to date from the first case to the
// last. The mock and the simulator are started through injected `LocalServers` (src/check.ts wires
// the real ones), so this layer imports neither.
import { existsSync } from 'node:fs';
import { loadDescription, type Description } from '../description/index.ts';
import { buildCases } from './cases.ts';
import { ResponseChecker } from './check-response.ts';
import { AcceptanceMatcher, DEFAULT_DRIFT_FILE, loadAcceptances, type Acceptances } from './drift-file.ts';
import { DEFAULT_BOUNDS, type FetchLike } from '../http/exchange.ts';
import { countOption, timerOption } from '../http/option-bounds.ts';
import type { LocalServers, LocalSimulator } from './local-servers.ts';
import { MockTarget } from './mock-target.ts';
import type { PaceOptions } from './pacer.ts';
import { Redactor } from './redact.ts';
import { ENV, RemoteTarget } from './remote-target.ts';
import { countResults, newRunId, prepareReportDir, ReportWriter, verdict, type Counts, type RunReport, type RunStatus, type Verdict } from './report.ts';
import type { FailOn } from './rules.ts';
import type { CaseResult } from './results.ts';
import { runCases } from './run.ts';
import { ConnectError, parseTarget, UsageError, type Target, type TargetSpec } from './target.ts';

export { ENV } from './remote-target.ts';
export { UsageError } from './usage-error.ts';
export type { LocalServer, LocalServers, LocalSimulator } from './local-servers.ts';

export interface CheckOptions {
  /** 'mock' (default), a base URL, or a parsed target. */
  target?: string | TargetSpec;
  reportDir?: string;
  includeStateChanging?: boolean;
  /** Only these operationIds. */
  operations?: string[];
  /** Credentials and ids for a real host (PASS_* variables); defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** The loaded description (default: the bundled one, loaded here); shared with the embedded mock. */
  description?: Description;
  /**
   * Starts the embedded mock (target 'mock') or a fresh simulator (target 'simulator'); only the one
   * the target needs is called. `runCheck` from 'pass-contract' supplies both.
   */
  servers?: Partial<LocalServers>;
  fetch?: FetchLike;
  /** Pacing for a real host (default Adobe's 1 request/s with a 10 % margin); its clock is injectable. */
  pace?: PaceOptions;
  failOn?: FailOn;
  /** Accepted-drift file; default `pass-contract.drift.yaml` when it exists; false for none. */
  driftFile?: string | false;
  /** Overall deadline for the run (ms). */
  timeoutMs?: number;
  /** Deadline of each request, headers and body (ms, default 15 s). */
  requestTimeoutMs?: number;
  /** Largest response body accepted (bytes, default 1 MiB). */
  maxResponseBytes?: number;
  /** Connect probe deadline for a real host (ms, default 5 s). */
  probeTimeoutMs?: number;
  /** Retries of a request answered 429 before the case is reported as not checked (default 2). */
  maxRetries?: number;
  /** Cancels the run (Ctrl-C); the report then says "interrupted". */
  signal?: AbortSignal;
  /** Today, for acceptance expiry (default Date.now). */
  now?: () => number;
  /** Every result as it is recorded (CI log lines). */
  onResult?: (result: CaseResult, done: number, total: number) => void;
  /** Called when all cases of an operation are done (TTY progress lines). */
  onOperation?: (operationId: string, results: CaseResult[], done: number, total: number) => void;
}

export interface CheckResult {
  report: RunReport;
  counts: Counts;
  verdict: Verdict;
  exitCode: 0 | 1 | 2;
  files: string[];
}

async function acceptancesFor(o: CheckOptions, operationIds: string[]): Promise<Acceptances | undefined> {
  if (o.driftFile === false) return undefined;
  if (o.driftFile) return loadAcceptances(o.driftFile, operationIds);
  return existsSync(DEFAULT_DRIFT_FILE) ? loadAcceptances(DEFAULT_DRIFT_FILE, operationIds) : undefined;
}

/** The servers with the starter a local target needs (called as a method); without it, a TypeError that says what to pass. */
function having<K extends keyof LocalServers>(servers: Partial<LocalServers> | undefined, kind: K): Pick<LocalServers, K> {
  if (typeof servers?.[kind] !== 'function') throw new TypeError(`runCheck: target "${kind}" needs options.servers.${kind} to start it (the runCheck exported by 'pass-contract' supplies it)`);
  return servers as Pick<LocalServers, K>;
}

/** Refuses, before anything is sent or written, bounds that would bound nothing. */
function checkBounds(o: CheckOptions): void {
  for (const name of ['timeoutMs', 'requestTimeoutMs', 'probeTimeoutMs'] as const) if (o[name] !== undefined) timerOption('runCheck', name, o[name]);
  if (o.maxRetries !== undefined) countOption('runCheck', 'maxRetries', o.maxRetries, 0);
  if (o.maxResponseBytes !== undefined) countOption('runCheck', 'maxResponseBytes', o.maxResponseBytes, 1);
}

export async function runCheck(o: CheckOptions = {}): Promise<CheckResult> {
  const started = Date.now();
  // The run's duration on the monotonic clock: NTP stepping the wall clock back an hour mid-run made it negative.
  const runStarted = performance.now();
  checkBounds(o);
  const spec = typeof o.target === 'object' ? o.target : parseTarget(o.target);
  const description = o.description ?? loadDescription();
  const { doc, operations, validator } = description;
  const operationIds = operations.map((op) => op.operationId);
  // Before anything is written: a target that needs a local server without a starter is a caller's bug.
  if (spec.kind !== 'remote') having(o.servers, spec.kind);
  const unknown = (o.operations ?? []).filter((id) => !operationIds.includes(id));
  if (unknown.length) throw new UsageError(`unknown operationId(s): ${unknown.join(', ')} (known: ${operationIds.join(', ')})`);
  const acceptances = await acceptancesFor(o, operationIds);
  const env = o.env ?? process.env;
  const redactor = new Redactor([env[ENV.softwareStatement], env[ENV.clientId], env[ENV.clientSecret]]);
  const checker = new ResponseChecker(doc, validator);
  const bounds = { timeoutMs: o.requestTimeoutMs ?? DEFAULT_BOUNDS.timeoutMs, maxBytes: o.maxResponseBytes ?? DEFAULT_BOUNDS.maxBytes };
  const reportDir = o.reportDir ?? 'reports';
  // Taken for the run: a second run on the same directory is refused before it sends anything.
  const reportLock = await prepareReportDir(reportDir);
  let simulator: LocalSimulator | undefined;
  // Whatever fails from here on (a report that cannot be written, a target that cannot be built), the simulator stops and the directory is let go.
  try {
    // The simulator is a real host on loopback: a fresh one with the default scenario, its own
    // credentials, every case (state-changing included), and its throttle off so pacing can be too.
    simulator = spec.kind === 'simulator' ? await having(o.servers, 'simulator').simulator(description) : undefined;
    const remote = spec.kind === 'remote' ? { url: spec.url, label: spec.label, env, pace: o.pace }
      : simulator ? { url: new URL(simulator.url), label: `simulator (default scenario) at ${simulator.url}`, env: simulator.env, pace: { ratePerSecond: 10_000, margin: 0, ...o.pace } }
        : undefined;
    const target: Target = !remote
      ? new MockTarget(() => having(o.servers, 'mock').mock(description), bounds, o.fetch)
      : new RemoteTarget({
        url: remote.url, label: remote.label, env: remote.env, description, checker, redactor, bounds, direct: simulator !== undefined,
        ...(o.fetch ? { fetch: o.fetch } : {}), ...(remote.pace ? { pace: remote.pace } : {}),
        ...(o.maxRetries !== undefined ? { maxRetries: o.maxRetries } : {}), ...(o.probeTimeoutMs !== undefined ? { probeTimeoutMs: o.probeTimeoutMs } : {}),
      });

    const all = buildCases(doc, operations, target.mode).filter((c) => !o.operations?.length || o.operations.includes(c.operationId));
    const { run: cases, skipped } = target.select(all, (o.includeStateChanging ?? false) || spec.kind === 'simulator');
    const acceptance = new AcceptanceMatcher(acceptances, (o.now ?? Date.now)());
    const writer = new ReportWriter(reportDir, redactor, reportLock);
    const results: CaseResult[] = [];
    const report = (status: RunStatus, statusDetail?: string): RunReport => ({
      runId, target: target.label, mode: target.mode, status, ...(statusDetail ? { statusDetail } : {}), failOn: o.failOn ?? 'breaking',
      startedAt: new Date(started).toISOString(), updatedAt: new Date().toISOString(), durationMs: Math.round(performance.now() - runStarted),
      planned: cases.length, results: [...results], skipped,
      ...(acceptances ? { acceptances: { file: acceptances.file, expired: acceptance.expired, unused: acceptance.unused } } : {}),
    });
    const runId = newRunId();
    await writer.write(report('running'));

    // One controller for everything that can stop the run: the overall deadline and Ctrl-C.
    const controller = new AbortController();
    let stopStatus: RunStatus | undefined;
    const stop = (status: RunStatus, message: string) => {
      if (controller.signal.aborted) return;
      stopStatus = status;
      controller.abort(new Error(message));
    };
    const deadline = o.timeoutMs !== undefined ? setTimeout(() => stop('timed-out', `the run exceeded --timeout (${Math.round(o.timeoutMs! / 1000)} s)`), o.timeoutMs) : undefined;
    const onCancel = () => stop('interrupted', 'interrupted');
    if (o.signal?.aborted) onCancel();
    o.signal?.addEventListener('abort', onCancel, { once: true });

    const perOperation = new Map<string, { total: number; results: CaseResult[] }>();
    for (const c of cases) perOperation.set(c.operationId, { total: (perOperation.get(c.operationId)?.total ?? 0) + 1, results: [] });
    const record = (r: CaseResult, fromCase: boolean) => {
      results.push(r);
      o.onResult?.(r, results.length, cases.length);
      const entry = perOperation.get(r.operationId);
      if (fromCase && entry) {
        entry.results.push(r);
        if (entry.results.length === entry.total) o.onOperation?.(r.operationId, entry.results, results.length, cases.length);
      }
      writer.schedule(report('running'));
    };

    let status: RunStatus = 'complete';
    let detail: string | undefined;
    try {
      // The target's own requests (DCR) count towards "the host stopped answering" too.
      const streak = { count: 0 };
      const emit = (r: CaseResult) => {
        if (r.outcome === 'error' && /^(timeout|connection):/.test(r.error ?? '')) streak.count++;
        else if (r.status !== undefined) streak.count = 0;
        record(acceptance.apply(r), false);
      };
      await target.open({ signal: controller.signal, emit });
      const outcome = await runCases(cases, {
        target, operations, checker, redactor, signal: controller.signal, acceptance, streak, onResult: (r) => record(r, true),
      });
      if (outcome.stopped) {
        status = outcome.stopped.reason === 'host' ? 'stopped' : (stopStatus ?? 'interrupted');
        detail = outcome.stopped.detail;
      }
    } catch (error) {
      if (error instanceof ConnectError) {
        status = 'unreachable';
        detail = redactor.text(error.message);
      } else if (controller.signal.aborted) {
        status = stopStatus ?? 'interrupted';
        detail = (controller.signal.reason as Error).message;
      } else {
        throw error;
      }
    } finally {
      if (deadline) clearTimeout(deadline);
      o.signal?.removeEventListener('abort', onCancel);
      await target.close();
    }

    const final = report(status, detail);
    const files = await writer.write(final);
    const v = verdict(final);
    return { report: redactor.value(final), counts: countResults(final), verdict: v, exitCode: v.exitCode, files };
  } finally {
    await simulator?.close();
    await reportLock.release();
  }
}
