// The main job: run every contract case against the mock or a real Adobe host and write the drift report.
import { DcrTokenManager, DeviceThrottle, retryAfterMs, type DeviceLimiterOptions } from 'pass-contract-client';
import type { JsonObject } from '../description/document.ts';
import { loadDescription, type Description } from '../description/index.ts';
import { startMock } from '../mock/server.ts';
import { startSimulatorTarget, type SimulatorTarget } from '../simulator/target.ts';
import { ViolationMapper } from '../mock/violations.ts';
import { buildCases, type CaseRequest } from './cases.ts';
import { ResponseChecker } from './check-response.ts';
import { countResults, writeReports, type Counts, type RunReport } from './report.ts';
import { runCases, type CaseResult } from './run.ts';

import { UsageError } from './usage-error.ts';

export { UsageError };

export interface CheckOptions {
  /** 'mock' (default), 'simulator' (a fresh simulator, real-host mode, state-changing cases included) or the base URL of an Adobe host. */
  target?: string;
  reportDir?: string;
  includeStateChanging?: boolean;
  /** Only these operationIds. */
  operations?: string[];
  /** Credentials and ids for a real host (PASS_* variables); defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** The loaded description (default: the bundled one, loaded here); shared with the embedded mock. */
  description?: Description;
  fetch?: (request: Request) => Promise<Response>;
  /** Pacing for a real host; default Adobe's throttle (1 request/s after a one-time burst of 10). */
  pace?: DeviceLimiterOptions;
  /** Called when all cases of an operation are done (progress lines). */
  onOperation?: (operationId: string, results: CaseResult[], done: number, total: number) => void;
}

export interface CheckResult {
  report: RunReport;
  counts: Counts;
  exitCode: 0 | 1 | 2;
  files: string[];
}

export const ENV = {
  softwareStatement: 'PASS_SOFTWARE_STATEMENT',
  clientId: 'PASS_CLIENT_ID',
  clientSecret: 'PASS_CLIENT_SECRET',
  serviceProvider: 'PASS_SERVICE_PROVIDER',
  mvpd: 'PASS_MVPD',
  deviceInfo: 'PASS_DEVICE_INFO',
} as const;

interface RemoteTarget {
  prepare: (request: CaseRequest) => Promise<CaseRequest>;
  secrets: () => string[];
  fetch: (request: Request) => Promise<Response>;
}

/** Credentials, ids and pacing for a real host. Nothing here is ever written to a report. */
function remoteTarget(baseUrl: string, env: Record<string, string | undefined>, defaultDeviceInfo: string, baseFetch: (r: Request) => Promise<Response>, pace: DeviceLimiterOptions = {}): RemoteTarget {
  const missing: string[] = [];
  if (!env[ENV.softwareStatement] && !(env[ENV.clientId] && env[ENV.clientSecret])) missing.push(`${ENV.softwareStatement} (or ${ENV.clientId} and ${ENV.clientSecret})`);
  if (!env[ENV.serviceProvider]) missing.push(ENV.serviceProvider);
  if (!env[ENV.mvpd]) missing.push(ENV.mvpd);
  if (missing.length > 0) throw new UsageError(`--target ${baseUrl} needs these environment variables: ${missing.join(', ')}`);

  // Adobe allows 1 request/s per device after a one-time burst of 10: stay under it, and pause after any 429.
  const throttle = new DeviceThrottle(true, pace);
  const fetch = async (request: Request) => {
    await throttle.acquire('target');
    const response = await baseFetch(request);
    if (response.status === 429) throttle.pause('target', retryAfterMs(response, Date.now()));
    return response;
  };
  const tokens = new DcrTokenManager({
    baseUrl,
    fetch,
    deviceInfo: env[ENV.deviceInfo] ?? defaultDeviceInfo,
    ...(env[ENV.softwareStatement] ? { softwareStatement: env[ENV.softwareStatement] } : {}),
    ...(env[ENV.clientId] && env[ENV.clientSecret] ? { clientCredentials: { clientId: env[ENV.clientId]!, clientSecret: env[ENV.clientSecret]! } } : {}),
  });
  const issued: string[] = [];
  return {
    fetch,
    secrets: () => [env[ENV.softwareStatement], env[ENV.clientSecret], ...issued].filter((s): s is string => !!s),
    async prepare(request) {
      const headers = { ...request.headers };
      // Sent from this machine, not relayed for a device: Adobe must see our own address.
      delete headers['X-Forwarded-For'];
      if (env[ENV.deviceInfo] && headers['X-Device-Info']) headers['X-Device-Info'] = env[ENV.deviceInfo]!;
      if ('Authorization' in headers) {
        const token = await tokens.getAccessToken();
        if (!issued.includes(token)) issued.push(token);
        headers.Authorization = `Bearer ${token}`;
      }
      const path = { ...request.path };
      if ('serviceProvider' in path && path.serviceProvider !== '') path.serviceProvider = env[ENV.serviceProvider]!;
      if ('mvpd' in path && path.mvpd !== '') path.mvpd = env[ENV.mvpd]!;
      return { ...request, path, headers };
    },
  };
}

export async function runCheck(o: CheckOptions = {}): Promise<CheckResult> {
  const startedAt = new Date();
  let target = o.target ?? 'mock';
  const isMock = target === 'mock';
  const isSimulator = target === 'simulator';
  if (!isMock && !isSimulator) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new UsageError(`--target must be "mock", "simulator" or an http(s) base URL, got "${target}"`);
    }
    if (!/^https?:$/.test(url.protocol)) throw new UsageError(`--target must be an http(s) URL, got "${target}"`);
  }

  const description = o.description ?? loadDescription();
  const includeStateChanging = o.includeStateChanging || isSimulator;
  const { doc, operations, validator } = description;
  const unknown = (o.operations ?? []).filter((id) => !operations.some((op) => op.operationId === id));
  if (unknown.length) throw new UsageError(`unknown operationId(s): ${unknown.join(', ')}`);
  const all = buildCases(doc, operations, new ViolationMapper(doc, validator), isMock ? 'mock' : 'remote')
    .filter((c) => !o.operations?.length || o.operations.includes(c.operationId));
  const skipped = isMock || includeStateChanging ? [] : all.filter((c) => c.stateChanging).map((c) => ({ id: c.id, reason: 'changes state at Adobe; pass --include-state-changing' }));
  const cases = all.filter((c) => !skipped.some((s) => s.id === c.id));

  const deviceInfoParam = operations.flatMap((op) => op.parameters).find((p) => p.name === 'X-Device-Info') as unknown as JsonObject | undefined;
  const defaultDeviceInfo = String(deviceInfoParam?.example ?? '');
  // The simulator is a real host on loopback: its credentials, no pacing, every case.
  let simulator: SimulatorTarget | undefined;
  if (isSimulator) {
    simulator = await startSimulatorTarget(description);
    target = simulator.url;
  }
  const pace = simulator ? { burst: Number.MAX_SAFE_INTEGER } : o.pace;
  const remote = isMock ? undefined : remoteTarget(target, simulator?.env ?? o.env ?? process.env, defaultDeviceInfo, o.fetch ?? ((r) => globalThis.fetch(r)), pace);
  const mock = isMock ? await startMock({ port: 0, description }) : undefined;

  const perOperation = new Map<string, { total: number; results: CaseResult[] }>();
  for (const c of cases) perOperation.set(c.operationId, { total: (perOperation.get(c.operationId)?.total ?? 0) + 1, results: [] });
  let done = 0;
  const onResult = (r: CaseResult) => {
    done++;
    const entry = perOperation.get(r.operationId)!;
    entry.results.push(r);
    if (entry.results.length === entry.total) o.onOperation?.(r.operationId, entry.results, done, cases.length);
  };

  let results: CaseResult[];
  try {
    results = await runCases(cases, operations, new ResponseChecker(doc, validator), {
      baseUrl: mock?.url ?? target,
      sendPrefer: isMock,
      ...(remote ? { prepare: remote.prepare, fetch: remote.fetch } : o.fetch ? { fetch: o.fetch } : {}),
      onResult,
    });
  } finally {
    await mock?.close();
    await simulator?.close();
  }

  const report: RunReport = {
    target: isMock ? 'embedded mock' : isSimulator ? `simulator (default scenario) at ${target}` : target,
    mode: isMock ? 'mock' : 'remote',
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    results,
    skipped,
  };
  const files = await writeReports(o.reportDir ?? 'reports', report, remote?.secrets() ?? []);
  const counts = countResults(report);
  const exitCode = counts.error > 0 ? 2 : counts.drift > 0 ? 1 : 0;
  return { report, counts, exitCode, files };
}
