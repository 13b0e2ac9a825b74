// Test harness for the simulator: a real server on loopback, requests over HTTP, and every answer
// to a described operation checked against the description (status, Content-Type, headers, body).
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { ResponseChecker } from '../../src/contract/check-response.ts';
import { loadDescription, type Description } from '../../src/description/index.ts';
import { loadScenario, type Scenario } from '../../src/simulator/scenario.ts';
import { startSimulator, type RunningSimulator, type StartSimulatorOptions } from '../../src/simulator/server.ts';

let description: Description | undefined;
export const sharedDescription = () => (description ??= loadDescription());

export const SP = 'REF30';
export const REDIRECT = 'https://adobe.com/done';

/** X-Device-Info of a set-top box, as the X-Device-Info page's fields require. */
export const DEVICE_INFO = Buffer.from(JSON.stringify({ primaryHardwareType: 'SetTopBox', model: 'AppleTV', version: '5,3', manufacturer: 'Apple', osName: 'tvOS', osVendor: 'Apple', osVersion: '17.0', connectionType: 'WiFi' })).toString('base64');

/** The headers of device `n` (its own fingerprint and, relayed server-to-server, its own IP). */
export function device(n: number, extra: Record<string, string> = {}): Record<string, string> {
  return { 'AP-Device-Identifier': `fingerprint ${Buffer.from(`device-${n}`).toString('base64')}`, 'X-Device-Info': DEVICE_INFO, 'X-Forwarded-For': `203.0.113.${n}`, ...extra };
}

export const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface CallOptions {
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /** A body sent as is (with whatever Content-Type `headers` give, or none). */
  raw?: string;
  token?: string | false;
  /** Skip the description check (control API, MVPD pages, deliberate non-API calls). */
  unchecked?: boolean;
}

export interface TestSimulator {
  sim: RunningSimulator;
  url: string;
  scenario: Scenario;
  /** Drift found in answers so far (each test asserts it is empty). */
  drifts: string[];
  call(method: string, path: string, o?: CallOptions): Promise<Reply>;
  /** Registers with the scenario's software statement and returns an access token (cached unless `fresh`). */
  token(fresh?: boolean): Promise<string>;
  reset(): Promise<void>;
  advance(duration: string | number): Promise<void>;
  /** The user agent's part: authenticate URL → MVPD page → form post; returns the final redirect. */
  signIn(code: string, username: string, password: string): Promise<Reply>;
  close(): Promise<void>;
}

export async function startTestSimulator(o: { tune?: (s: Scenario) => void; scenarioPath?: string; record?: string } & Pick<StartSimulatorOptions, 'onRequest' | 'clock'> = {}): Promise<TestSimulator> {
  const desc = sharedDescription();
  const scenario = loadScenario(desc, ...(o.scenarioPath ? [o.scenarioPath] : []));
  scenario.throttle.enabled = false; // tests that need it turn it back on
  o.tune?.(scenario);
  const sim = await startSimulator({ port: 0, description: desc, scenario, ...(o.onRequest ? { onRequest: o.onRequest } : {}), ...(o.clock ? { clock: o.clock } : {}), ...(o.record ? { record: o.record } : {}) });
  const checker = new ResponseChecker(desc.doc, desc.validator);
  const drifts: string[] = [];
  let cachedToken: string | undefined;

  const call = async (method: string, path: string, c: CallOptions = {}): Promise<Reply> => {
    const headers = new Headers(c.headers);
    if (c.token) headers.set('Authorization', `Bearer ${c.token}`);
    let body: string | undefined;
    if (c.json !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(c.json);
    } else if (c.form) {
      headers.set('Content-Type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(c.form).toString();
    } else if (c.raw !== undefined) {
      body = c.raw;
    }
    const response = await fetch(`${sim.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    // route(), not match(): a path segment that is not valid percent-encoding still names its operation.
    const match = c.unchecked ? undefined : desc.router.route(method, new URL(path, sim.url).pathname);
    if (match) {
      for (const d of checker.check(match.op, { status: response.status, headers: response.headers, body: text })) drifts.push(`${method} ${path} → ${response.status}: ${d.kind} ${d.pointer} expected ${d.expected}, got ${d.actual}`);
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  };

  const t: TestSimulator = {
    sim, url: sim.url, scenario, drifts, call,
    async token(fresh = false) {
      if (cachedToken && !fresh) return cachedToken;
      const reg = await call('POST', '/o/client/register', { headers: { 'X-Device-Info': DEVICE_INFO }, json: { software_statement: scenario.softwareStatements[0]!.statement } });
      const tok = await call('POST', '/o/client/token', { headers: { 'X-Device-Info': DEVICE_INFO }, form: { client_id: reg.body.client_id, client_secret: reg.body.client_secret, grant_type: 'client_credentials' } });
      return (cachedToken = tok.body.access_token as string);
    },
    async reset() {
      cachedToken = undefined;
      drifts.length = 0;
      const r = await call('POST', '/_sim/reset', { unchecked: true });
      if (r.status !== 200) throw new Error(`reset failed: ${r.status}`);
    },
    async advance(duration) {
      const r = await call('POST', '/_sim/clock', { json: { advance: duration }, unchecked: true });
      if (r.status !== 200) throw new Error(`clock: ${r.text}`);
    },
    async signIn(code, username, password) {
      const start = await call('GET', `/api/v2/authenticate/${SP}/${code}`);
      if (start.status !== 302) throw new Error(`authenticate: ${start.status} ${start.text}`);
      const page = new URL(start.headers.get('location')!);
      const form = await call('GET', page.pathname + page.search, { unchecked: true });
      if (form.status !== 200) throw new Error(`sign-in page: ${form.status}`);
      const fields = Object.fromEntries([...form.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
      return call('POST', page.pathname, { form: { ...fields, username, password }, unchecked: true });
    },
    close: () => sim.close(),
  };
  return t;
}

/** Creates a complete session for `mvpd` on device `n` and signs the user in; returns the code. */
export async function authenticated(t: TestSimulator, n: number, mvpd: string, username: string, password: string, extra: Record<string, string> = {}): Promise<string> {
  const token = await t.token();
  const s = await t.call('POST', `/api/v2/${SP}/sessions`, { token, headers: device(n, extra), form: { mvpd, domainName: 'adobe.com', redirectUrl: REDIRECT } });
  if (s.body?.actionName !== 'authenticate') throw new Error(`session: ${s.text}`);
  const done = await t.signIn(s.body.code, username, password);
  if (done.status !== 302) throw new Error(`sign-in: ${done.status} ${done.text}`);
  return s.body.code as string;
}

/** The user of a second-screen flow: waits for the first session the simulator holds, then signs in on the MVPD page. */
export async function userSignsIn(t: TestSimulator, signal: AbortSignal, username = 'alice', password = 'alice-password'): Promise<Reply> {
  while (!signal.aborted) {
    const { body } = await t.call('GET', '/_sim/state?namespace=sessions', { unchecked: true });
    const session = Object.values(body.state.sessions as Record<string, { code: string }>)[0];
    if (session) return t.signIn(session.code, username, password);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no session was created');
}

/**
 * One simulator per test file: reset with a fresh access token before each test (handed to
 * `set`), and no drift in any answer after it.
 */
export function useSimulator(set: (t: TestSimulator, token: string) => void): void {
  let t: TestSimulator | undefined;
  beforeAll(async () => {
    t = await startTestSimulator();
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    await t!.reset();
    set(t!, await t!.token());
  });
  afterEach(() => expect(t!.drifts).toEqual([]));
}
