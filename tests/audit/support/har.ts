// Small synthetic HAR files for the rule tests: a request is a line of data (time, method, path,
// headers, bodies), and the file goes through the same reader and audit as real recordings.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditFiles, type AuditReport, type AuditSettings, type RuleOutcome } from '../../../src/audit/audit.ts';
import { loadDescription } from '../../../src/description/index.ts';

export const T0 = Date.UTC(2026, 4, 25, 12, 0, 0);
export const HOST = 'https://sp.auth.adobe.com';
export const description = loadDescription();

const deviceInfo = (model: string, port = 52000) => Buffer.from(JSON.stringify({ primaryHardwareType: 'SetTopBox', model, osName: 'tvOS', connectionIp: '203.0.113.7', connectionPort: port })).toString('base64');

/** The headers one streaming device sends (a programmer service relaying for it adds X-Forwarded-For). */
export function device(id = 'ZGV2aWNlLTE=', o: { token?: string; model?: string; port?: number; forwardedFor?: string; userAgent?: string } = {}): Record<string, string> {
  return {
    Authorization: `Bearer ${o.token ?? 'token-A'}`,
    'AP-Device-Identifier': `fingerprint ${id}`,
    'X-Device-Info': deviceInfo(o.model ?? 'AppleTV', o.port),
    Accept: 'application/json',
    'User-Agent': o.userAgent ?? 'StreamingApp/1.0',
    ...(o.forwardedFor ? { 'X-Forwarded-For': o.forwardedFor } : {}),
  };
}

export interface Call {
  /** Milliseconds after T0 when the request starts. */
  at: number;
  method?: string;
  /** Path and query, e.g. /api/v2/REF30/configuration. */
  path: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON, a string as a form body. */
  body?: object | string;
  status?: number;
  response?: unknown;
  responseHeaders?: Record<string, string>;
  /** Duration in ms (default 20). */
  time?: number;
}

export function entry(c: Call) {
  const isForm = typeof c.body === 'string';
  const headers = { ...(c.body !== undefined ? { 'Content-Type': isForm ? 'application/x-www-form-urlencoded' : 'application/json' } : {}), ...c.headers };
  const url = new URL(c.path, HOST);
  return {
    startedDateTime: new Date(T0 + c.at).toISOString(),
    time: c.time ?? 20,
    request: {
      method: c.method ?? (c.body !== undefined ? 'POST' : 'GET'),
      url: url.toString(),
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: Object.entries(headers).map(([name, value]) => ({ name, value })),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      ...(c.body !== undefined ? { postData: { mimeType: headers['Content-Type'], text: isForm ? c.body : JSON.stringify(c.body) } } : {}),
      headersSize: -1,
      bodySize: -1,
    },
    response: {
      status: c.status ?? 200,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: Object.entries({ ...(c.response !== undefined ? { 'Content-Type': 'application/json' } : {}), ...c.responseHeaders }).map(([name, value]) => ({ name, value })),
      content: { size: -1, mimeType: c.response !== undefined ? 'application/json' : '', ...(c.response !== undefined ? { text: JSON.stringify(c.response) } : {}) },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: c.time ?? 20, receive: 0 },
  };
}

export const harText = (calls: Call[], extraEntries: object[] = []) =>
  JSON.stringify({ log: { version: '1.2', creator: { name: 'rule tests', version: '1' }, entries: [...calls.map(entry), ...extraEntries] } });

export async function writeHar(calls: Call[], name = 'traffic.har'): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'pass-audit-')), name);
  await writeFile(path, harText(calls));
  return path;
}

export async function audit(calls: Call[], settings: Partial<AuditSettings> = {}): Promise<AuditReport> {
  return auditFiles([await writeHar(calls)], { description, ...settings });
}

/** The outcome of one rule, reduced to what the tests compare. */
export function outcome(report: AuditReport, id: string): Pick<RuleOutcome, 'status' | 'examined'> & { findings: { device: string; requests: string[] }[] } {
  const r = report.rules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return { status: r.status, examined: r.examined, findings: r.findings.map((f) => ({ device: f.device, requests: f.requests })) };
}

/** Every rule that failed, with its finding count: for "this clean traffic breaks nothing". */
export const failures = (report: AuditReport) => Object.fromEntries(report.rules.filter((r) => r.findings.length).map((r) => [r.id, r.findings.map((f) => f.message)]));

// Responses and bodies of the usual calls.
export const SP = 'REF30';
export const tokenBody = (clientId = 'client-1') => `client_id=${clientId}&client_secret=secret-1&grant_type=client_credentials`;
export const tokenResponse = (token: string, expiresIn = 21600) => ({ access_token: token, token_type: 'bearer', expires_in: expiresIn });
export const session = (code: string, notAfter: number) => ({ actionName: 'authenticate', actionType: 'interactive', reasonType: 'none', url: `/api/v2/authenticate/${SP}/${code}`, code, sessionId: 's-1', serviceProvider: SP, notBefore: String(T0), notAfter: String(notAfter) });
export const profile = (mvpd: string, notAfter = T0 + 86_400_000) => ({ profiles: { [mvpd]: { notBefore: T0, notAfter, issuer: mvpd, type: 'regular', attributes: { userID: { value: 'u1', state: 'plain' } } } } });
export const noProfile = { profiles: {} };
export const enhancedError = (status: number, code: string, action: string) => ({ status, code, action, message: 'm' });
export const dcrHeaders = { 'X-Device-Info': deviceInfo('AppleTV'), Accept: 'application/json' };
