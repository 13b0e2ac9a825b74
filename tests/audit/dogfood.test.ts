// Dogfood: three clients against the simulator with recording on (startSimulator's `record`, what
// `pass-contract simulate --record` uses), each recording audited by the engine of `pass-contract
// audit`. Our client running the README's server-to-server example and the Arazzo workflows under
// Redocly Respect have no MUST finding; a deliberately naive client is caught by each rule it breaks.
// Our client and the naive one face the same simulator: Adobe's throttle on, and an MVPD partner
// that times out (item-level network_connection_timeout, action retry) on the first 4 authorizations.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import { serverToServer } from '../../examples/server-to-server.ts';
import { auditFiles, type AuditReport } from '../../src/audit/audit.ts';
import type { ClientRecord, TokenRecord } from '../../src/simulator/handlers/dcr.ts';
import { createVirtualClock } from '../../src/simulator/clock.ts';
import type { Scenario } from '../../src/simulator/scenario.ts';
import { leaks, readValidHar } from '../support/har-file.ts';
import { respect, workflowInputs } from '../support/respect.ts';
import { sharedDescription, startTestSimulator, userSignsIn, type TestSimulator } from '../simulator/support.ts';
import { naiveClient, SAFETY_CAP } from './support/naive-client.ts';

const description = sharedDescription();
const PARTNER_TIMEOUTS = 4;
/** What the naive client's network costs on the virtual clock per request. */
const ROUND_TRIP_MS = 50;

/** The adversary our client and the naive one share (see the top of the file). */
function adversary() {
  let sim: TestSimulator | undefined;
  let timeouts = 0;
  return {
    tune(s: Scenario) {
      s.throttle.enabled = true;
      s.faults = [{ operation: 'retrieveAuthorizationDecisions', error: 'network_connection_timeout' }];
    },
    onRequest(e: { operationId?: string; status: number }) {
      // The partner recovers after its 4th timeout (a 429 never reached it).
      if (e.operationId === 'retrieveAuthorizationDecisions' && e.status === 200 && ++timeouts === PARTNER_TIMEOUTS) sim!.sim.simulator.ctx.runtime.faults = [];
    },
    attach: (t: TestSimulator) => void (sim = t),
  };
}

const failed = (report: AuditReport, level: 'MUST' | 'SHOULD') => report.rules.filter((r) => r.level === level && r.findings.length).map((r) => r.id).sort();
const statuses = (report: AuditReport) => Object.fromEntries(report.rules.map((r) => [r.id, r.status]));
const recordingFile = async (name: string) => join(await mkdtemp(join(tmpdir(), 'pass-dogfood-')), name);

beforeAll(() => void vi.spyOn(console, 'log').mockImplementation(() => undefined)); // the example's logger
afterAll(() => vi.restoreAllMocks());

describe.concurrent('dogfood: recorded traffic against the simulator, audited', () => {
  it('our client (the README server-to-server example) has no finding, judged as server-to-server traffic', async ({ expect }) => {
    const file = await recordingFile('ours.har');
    const a = adversary();
    // The user signs in once the first poll has found nothing, so the client polls twice.
    let firstPoll!: () => void;
    const polled = new Promise<void>((resolve) => (firstPoll = resolve));
    const onRequest = (e: { operationId?: string; status: number }) => {
      a.onRequest(e);
      if (e.operationId === 'retrieveProfileForCode') firstPoll();
    };
    const t = await startTestSimulator({ record: file, tune: a.tune, onRequest });
    a.attach(t);
    const statement = t.scenario.softwareStatements[0]!.statement;
    let result: Awaited<ReturnType<typeof serverToServer>>;
    let secrets: Record<string, string>;
    try {
      [result] = await Promise.all([serverToServer(t.url, statement), polled.then(() => userSignsIn(t, AbortSignal.timeout(30_000)))]);
      const [[, client]] = (await t.sim.simulator.ctx.store.entries<ClientRecord>('clients')) as [[string, ClientRecord]];
      const [[accessToken]] = (await t.sim.simulator.ctx.store.entries<TokenRecord>('tokens')) as [[string, TokenRecord]];
      secrets = { statement, clientSecret: client.clientSecret, accessToken, password: 'alice-password' };
    } finally {
      await t.close();
    }
    // The partner outlasted the client's 2 retries: it gave up and returned the error (no deny, no logout rule).
    expect(result.authorized).toBe(false);

    const report = await auditFiles([file], { description, serverToServer: true });
    expect(report.traffic.entries).toBe(t.sim.recording!.count);
    expect(failed(report, 'MUST')).toEqual([]);
    expect(failed(report, 'SHOULD')).toEqual([]);
    // What the flow exercised passed: registration, the token, polling, bounded retries of the partner's timeouts, the headers.
    expect(statuses(report)).toMatchObject({
      'registration.once': 'pass', 'token.reuse': 'pass', 'polling.interval': 'pass', 'polling.stop': 'pass', 'retry.bounded': 'pass',
      'retry.only-failed-items': 'pass', 'headers.authorization': 'pass', 'headers.device-identifier': 'pass', 'headers.device-info': 'pass',
      'headers.forwarded-for': 'pass', 'parameters.documented-only': 'pass', 'throttle.rate': 'pass',
    });
    const examined = Object.fromEntries(report.rules.map((r) => [r.id, r.examined]));
    expect(examined).toMatchObject({ 'polling.interval': 2, 'retry.bounded': 2 });
    expect(leaks((await readValidHar(file)).text, secrets)).toEqual([]);
  }, 60_000);

  it('the Arazzo workflows under Respect have no MUST finding; the two SHOULD findings are what a script does', async ({ expect }) => {
    const file = await recordingFile('workflows.har');
    // Throttle off: Respect cannot pace its requests, and 429s would fail the workflows.
    const t = await startTestSimulator({ record: file });
    let run: { code: number; output: string };
    try {
      run = await respect(t.url, workflowInputs(t.url, t.scenario.softwareStatements[0]!.statement));
    } finally {
      await t.close();
    }
    expect(run.output).toMatch(/Workflows: 7 passed, 7 total/);

    // The workflows play a device that calls Adobe itself (no X-Forwarded-For): judged without --server-to-server.
    const report = await auditFiles([file], { description });
    expect(report.traffic.entries).toBe(t.sim.recording!.count);
    expect(failed(report, 'MUST')).toEqual([]);
    // A script runs the flows back to back: Respect sends ~40 requests in a second or two (Adobe: 1/s
    // after a burst of 10), and the logout workflow starts milliseconds after the denied premium-live
    // preauthorization, where an app logs out only when the user asks. Both are true of the traffic
    // and neither is a flaw of the flows; Respect has no way to pace or pause.
    expect(failed(report, 'SHOULD')).toEqual(['logout.not-after-deny', 'throttle.rate']);
    // Found before the workflows were fixed: 5 registrations (dependsOn re-ran registration) and one
    // device identifier on two devices with one X-Device-Info (the second SSO device).
    expect(statuses(report)).toMatchObject({ 'registration.once': 'pass', 'headers.device-identifier-stable': 'pass', 'retry.only-when-retry': 'pass', 'headers.forwarded-for': 'undecided' });
  }, 60_000);

  it('a naive client (a token per call, polling every second, retrying without bound) is caught by each rule it breaks', async ({ expect }) => {
    const file = await recordingFile('naive.har');
    const a = adversary();
    // Time moves only as the client does (a round trip per request, its sleeps): not with the machine,
    // whose speed decided how many of its token requests the throttle refused.
    const clock = createVirtualClock(() => 1_795_000_000_000);
    const t = await startTestSimulator({ record: file, clock, tune: a.tune, onRequest: a.onRequest });
    a.attach(t);
    let code = '';
    let naps = 0;
    try {
      await naiveClient({
        baseUrl: t.url,
        softwareStatement: t.scenario.softwareStatements[0]!.statement,
        fetch: (input, init) => {
          clock.advance(ROUND_TRIP_MS);
          return fetch(input, init);
        },
        // The user signs in while the app sleeps after its first poll.
        sleep: async (ms) => {
          clock.advance(ms);
          if (++naps === 1) await t.signIn(code, 'alice', 'alice-password');
        },
        showCode: (c) => void (code = c),
      });
    } finally {
      await t.close();
    }

    const report = await auditFiles([file], { description, serverToServer: true });
    expect(report.traffic.entries).toBe(t.sim.recording!.count);
    expect(failed(report, 'MUST')).toEqual([
      'parameters.documented-only', // AP-Device-Identifier on DCR, device headers on the poll by code
      'polling.interval', // every second
      'retry.bounded', // two requests per attempt (token, call) against 1 per second: once the burst is gone, 429s without end
      'throttle.wait-after-429', // straight back after a 429
      'token.reuse', // a token per call
    ]);
    expect(failed(report, 'SHOULD')).toEqual([
      'throttle.rate', // far beyond 1 request per second
      'token.refresh-on-401', // a token request throttled, the call sent with no token, refused, and sent again the same way
    ]);
    const messages = (id: string) => report.rules.find((r) => r.id === id)!.findings.map((f) => f.message);
    expect(messages('token.reuse')[0]).toMatch(/^\d+ of \d+ token requests \(for \d+ REST API v2 calls\) were sent while the previous token was still valid/);
    expect(messages('retry.bounded').join('\n')).toMatch(new RegExp(`sent ${SAFETY_CAP} times in a row`));
  }, 60_000);
});

