// Faulty hosts: the check always ends, within its bounds, and says what happened; a 429 is never
// a pass nor drift; DCR never follows a redirect and never multiplies registrations.
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/contract/check.ts';
import type { JsonObject } from '../../src/description/document.ts';
import type { Answer } from '../support/fake-adobe/index.ts';
import { virtualClock } from '../client/support.ts';
import { startIdleClosingFront } from '../support/idle-closing-front.ts';
import { startFakeAdobe } from '../support/fake-adobe/index.ts';
import { checkAgainst, description, ENV, STATEMENT } from './support.ts';

const FAST = { requestTimeoutMs: 300 };
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A host that accepts connections and never answers (every request hangs). */
async function hungHost(): Promise<{ url: string; connections: () => number; requests: string[] }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const requests: string[] = [];
  const server: TcpServer = createTcpServer((s) => {
    connections++;
    s.on('data', (d: Buffer) => requests.push(d.toString().split('\r\n')[0]!));
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections, requests };
}

/** Another origin that records what reaches it (a redirect target). */
async function elsewhere(): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(201, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

const tmp = () => mkdtemp(join(tmpdir(), 'pass-fault-'));
const OPS = ['retrieveConfiguration', 'retrieveProfiles'];

describe('a host that does not answer', () => {
  it('a token endpoint that hangs: one token request, the bearer cases not checked, exit 2', async () => {
    const r = await checkAgainst({ inject: { retrieveAccessToken: { fault: 'hang' } } }, { ...FAST, operations: OPS });
    expect(r.host.count('retrieveAccessToken')).toBe(1);
    expect(r.find('retrieveAccessToken', 'dcr')).toMatchObject([{ outcome: 'error', error: expect.stringMatching(/^timeout/) }]);
    const bearer = r.result.report.results.filter((x) => x.kind === 'example');
    expect(bearer.length).toBeGreaterThan(0);
    expect(bearer.every((x) => x.outcome === 'not-checked' && /no access token/.test(x.error!))).toBe(true);
    expect(r.result.exitCode).toBe(2);
  });

  it('a host where every request hangs: stops after 3 timeouts in a row, says so, exit 2', async () => {
    const host = await hungHost();
    const dir = await tmp();
    const result = await runCheck({ target: host.url, reportDir: dir, env: ENV, description, driftFile: false, ...FAST, pace: { ratePerSecond: 1000 } });
    expect(result.report.status).toBe('stopped');
    expect(result.report.statusDetail).toMatch(/stopped answering: 3 requests in a row failed/);
    expect(result.exitCode).toBe(2);
    // The registration and two cases time out: nothing more was sent.
    expect(host.requests).toHaveLength(3);
    expect(host.requests[0]).toBe('POST /o/client/register HTTP/1.1');
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toMatch(/run stopped: the host stopped answering/);
  });

  it('a body sent at 1 byte/s: the request deadline covers the body', async () => {
    const r = await checkAgainst({ inject: { retrieveConfiguration: { fault: 'slow-body' } } }, { ...FAST, operations: ['retrieveConfiguration'] });
    const example = r.find('retrieveConfiguration', 'example')[0]!;
    expect(example).toMatchObject({ outcome: 'error', error: expect.stringMatching(/^timeout: no complete response within 300 ms/) });
  });

  it('a 20 MB body: cut at the size limit', async () => {
    const r = await checkAgainst({ inject: { retrieveConfiguration: { fault: 'huge-body' } } }, { operations: ['retrieveConfiguration'] });
    expect(r.find('retrieveConfiguration', 'example')[0]).toMatchObject({ outcome: 'error', error: expect.stringMatching(/^too-large/) });
  });

  it('a connection reset: an error, not drift', async () => {
    const r = await checkAgainst({ inject: { retrieveConfiguration: { fault: 'reset' } } }, { operations: ['retrieveConfiguration'] });
    expect(r.find('retrieveConfiguration', 'example')[0]).toMatchObject({ outcome: 'error', error: expect.stringMatching(/^connection/) });
    expect(r.result.exitCode).toBe(2);
  });

  it('an unreachable host: exit 2 at the connect probe, nothing sent, a report that says so', async () => {
    const closed = await hungHost();
    const port = new URL(closed.url).port;
    await cleanup.pop()!(); // closes it: the port now refuses connections
    const dir = await tmp();
    const result = await runCheck({ target: `http://127.0.0.1:${port}`, reportDir: dir, env: ENV, description, driftFile: false });
    expect(result.exitCode).toBe(2);
    expect(result.report.status).toBe('unreachable');
    expect(result.report.results).toEqual([]);
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toMatch(/not run ❌ cannot connect to 127\.0\.0\.1:\d+: ECONNREFUSED/);
  });

  it('--timeout: the run stops at its deadline and the report says it timed out', async () => {
    const host = await hungHost();
    const dir = await tmp();
    const result = await runCheck({ target: host.url, reportDir: dir, env: ENV, description, driftFile: false, requestTimeoutMs: 60_000, timeoutMs: 400 });
    expect(result.report.status).toBe('timed-out');
    expect(result.exitCode).toBe(2);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(json.status).toBe('timed-out');
    expect(json.verdict.headline).toMatch(/run timed-out: the run exceeded --timeout/);
  });
});

describe('a host behind a gateway that answers 502, 503 or 504', () => {
  const gateway = (status: number) => ({ fault: { status, body: `<html><body><h1>${status}</h1>The service is unavailable.</body></html>`, headers: { 'Content-Type': 'text/html' } } });

  it.each([502, 503, 504])('%d on the configuration cases: errors, not breaking drift (exit 2)', async (status) => {
    // Before: each such case was breaking drift (status and media type), exit 1: an outage read as a broken contract.
    const r = await checkAgainst({ inject: { retrieveConfiguration: gateway(status) } }, { operations: ['retrieveConfiguration'] });
    const cases = r.find('retrieveConfiguration');
    const answered = cases.filter((c) => c.status === status);
    expect(answered.length).toBeGreaterThanOrEqual(2);
    for (const c of answered) expect(c).toMatchObject({ outcome: 'error', drifts: [], error: `the host answered HTTP ${status} (a gateway, or the host unavailable; not an answer of the API): not checked` });
    expect(r.result.report.results.flatMap((c) => c.drifts)).toEqual([]);
    expect(r.result.exitCode).toBe(2);
  });

  it('three in a row stop the run, as three timeouts do', async () => {
    // retrieveProfiles' three documented examples come first, one after another.
    const r = await checkAgainst({ inject: { retrieveProfiles: gateway(503) } }, { operations: ['retrieveProfiles'] });
    expect(r.find('retrieveProfiles', 'example').map((c) => [c.outcome, c.status])).toEqual([['error', 503], ['error', 503], ['error', 503]]);
    expect(r.result.report.status).toBe('stopped');
    expect(r.result.report.statusDetail).toMatch(/stopped answering: 3 requests in a row failed \(last: the host answered HTTP 503/);
    expect(r.result.exitCode).toBe(2);
  });

  it('a token endpoint behind such a gateway: the DCR case is an error, the bearer cases are not checked', async () => {
    const r = await checkAgainst({ inject: { retrieveAccessToken: gateway(503) } }, { operations: ['retrieveConfiguration'] });
    expect(r.find('retrieveAccessToken', 'dcr')).toMatchObject([{ outcome: 'error', status: 503, drifts: [] }]);
    expect(r.find('retrieveConfiguration', 'example').every((x) => x.outcome === 'not-checked')).toBe(true);
    expect(r.result.exitCode).toBe(2);
  });
});

describe('a host whose body nests deeper than anything walks', () => {
  it('arrays 100,000 deep (JSON.parse takes them; a recursive copy or JSON.stringify overflows): the drift is reported, its value cut at 64 levels', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const nested = (a: Answer): Answer => (a.status === 200 ? { ...a, headers: { 'Content-Type': 'application/json' }, body: `{"requestor":{"id":"REF30","name":"REF30","mvpds":${deep}}}` } : a);
    const r = await checkAgainst({ inject: { retrieveConfiguration: { drift: nested } } }, { operations: ['retrieveConfiguration'] });
    const examples = r.find('retrieveConfiguration', 'example');
    expect(examples.length).toBeGreaterThan(0);
    for (const result of examples) {
      expect(result.outcome).toBe('drift');
      const row = result.drifts.find((d) => d.pointer === '/requestor/mvpds/0');
      expect(row).toMatchObject({ rule: 'field-type', expected: 'type object' });
      // 64 levels copied, a note in place of the rest.
      expect(row!.actual).toBe(`${'['.repeat(64)}"(nested deeper than 64 levels)"${']'.repeat(64)}`);
    }
  });
});

describe('a host that repeats one difference in every item of a list, or sends thousands', () => {
  it('a field added to each of 600 MVPDs is one row with the count (was 600 rows); another difference in one item keeps its own row', async () => {
    const mvpds = (a: Answer) => {
      const body = a.body as JsonObject;
      const first = ((body.requestor as JsonObject).mvpds as JsonObject[])[0]!;
      const list: JsonObject[] = Array.from({ length: 600 }, (_, i) => ({ ...first, id: `MVPD${i}`, colour: 'web' }));
      delete list[1]!.id;
      return { ...a, body: { ...body, requestor: { ...(body.requestor as JsonObject), mvpds: list } } };
    };
    const r = await checkAgainst({ inject: { retrieveConfiguration: { drift: (a) => (a.status === 200 ? mvpds(a) : a) } } }, { operations: ['retrieveConfiguration'] });
    const [result] = r.find('retrieveConfiguration', 'example');
    const rows = result!.drifts.map((d) => [d.rule, d.pointer, d.more ?? 0]);
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(expect.arrayContaining([['field-undocumented', '/requestor/mvpds/0/colour', 599], ['field-missing', '/requestor/mvpds/1/id', 0]]));
    expect(result!.drifts.find((d) => d.rule === 'field-undocumented')!.message).toBe('`/requestor/mvpds/0/colour` is not in the description (the same in 599 more items: `/requestor/mvpds/*/colour`)');
  });

  it('40,000 unknown fields in one body: 100 rows and one that counts the rest (was 40,000 rows, a 15 MB report)', async () => {
    const many = (a: Answer) => ({ ...a, body: { ...(a.body as JsonObject), ...Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`f${i}`, i])) } });
    const r = await checkAgainst({ inject: { retrieveConfiguration: { drift: (a) => (a.status === 200 ? many(a) : a) } } }, { operations: ['retrieveConfiguration'] });
    const [result] = r.find('retrieveConfiguration', 'example');
    const added = result!.drifts.filter((d) => d.rule === 'field-undocumented');
    expect(added).toHaveLength(101);
    expect(added.slice(0, 100).map((d) => d.pointer)).toEqual(Array.from({ length: 100 }, (_, i) => `/f${i}`));
    expect(added[100]).toMatchObject({ pointer: '/f100', more: 39_899, message: '`/f100` is not in the description (and 39899 more field-undocumented in this body, not listed)' });
  });
});

describe('DCR traffic is bounded', () => {
  it('tokens that expire every second: one renewal, then the last token is reused (2 token requests in all)', async () => {
    const r = await checkAgainst({ expiresIn: 1 }, { operations: OPS });
    expect(r.host.count('retrieveClientCredentials')).toBe(1);
    expect(r.host.count('retrieveAccessToken')).toBe(2);
    expect(r.result.counts.notChecked).toBe(0);
    expect(r.find('retrieveAccessToken', 'dcr').map((x) => x.name)).toEqual(['token request 1 (this run)', 'token request 2 (this run)']);
  });

  it('a registration rejected with the documented 400: no token request, no second registration', async () => {
    const r = await checkAgainst({ softwareStatement: 'another statement' }, { operations: OPS });
    expect(r.host.count('retrieveClientCredentials')).toBe(1);
    expect(r.host.count('retrieveAccessToken')).toBe(0);
    expect(r.find('retrieveClientCredentials', 'dcr')).toMatchObject([{ status: 400, outcome: 'pass' }]);
    expect(r.result.report.results.filter((x) => x.kind === 'example').every((x) => x.outcome === 'not-checked')).toBe(true);
    expect(r.result.exitCode).toBe(2);
  });

  it('an access_token with a line break: drift on the token case, the bearer cases not checked (never sent), the token in no report', async () => {
    const token = 'CANARY-token-5d1e\r\nX-Evil: 1';
    const r = await checkAgainst({ inject: { retrieveAccessToken: { drift: (a) => (a.status < 300 ? { ...a, body: { ...(a.body as JsonObject), access_token: token } } : a) } } }, { operations: OPS });
    expect(r.find('retrieveAccessToken', 'dcr')).toMatchObject([{ outcome: 'drift', drifts: [{ pointer: '/access_token', rule: 'value-constraint' }] }]);
    const cases = r.result.report.results.filter((x) => x.kind !== 'dcr');
    const sent = cases.filter((x) => x.outcome !== 'not-checked');
    // Sent: only the cases that leave the token out on purpose.
    expect(new Set(sent.map((x) => x.name))).toEqual(new Set(['missing header Authorization']));
    expect(cases.length - sent.length).toBeGreaterThan(0);
    expect(cases.filter((x) => x.outcome === 'not-checked').every((x) => x.error === 'no access token (the token response carries an access_token an Authorization header cannot carry)')).toBe(true);
    expect(r.host.count('retrieveConfiguration') + r.host.count('retrieveProfiles')).toBe(sent.length);
    expect(Object.values(await r.files()).join('\n')).not.toContain('CANARY-token');
  });
});

describe('DCR never follows a redirect', () => {
  it.each([307, 308])('register answered %i: reported as drift, the other origin receives nothing, registered once', async (status) => {
    const other = await elsewhere();
    const r = await checkAgainst({ inject: { retrieveClientCredentials: { fault: { redirect: `${other.url}/o/client/register`, status } } } }, { operations: OPS });
    expect(other.hits).toEqual([]);
    expect(r.host.count('retrieveClientCredentials')).toBe(1);
    expect(r.host.count('retrieveAccessToken')).toBe(0);
    expect(r.find('retrieveClientCredentials', 'dcr')[0]!.drifts.map((d) => [d.tier, d.rule])).toEqual([['breaking', 'status-undocumented']]);
    expect(r.result.exitCode).toBe(1);
  });

  it('token answered 307: the client secret is not re-posted anywhere', async () => {
    const other = await elsewhere();
    const r = await checkAgainst({ inject: { retrieveAccessToken: { fault: { redirect: `${other.url}/o/client/token`, status: 307 } } } }, { operations: OPS });
    expect(other.hits).toEqual([]);
    expect(r.host.count('retrieveAccessToken')).toBe(1);
  });
});

describe('429: never a pass, never drift', () => {
  it('waits at least 1 s between attempts, retries twice, then reports the case as not checked', async () => {
    const r = await checkAgainst({ throttle: false, inject: { retrieveConfiguration: { fault: { status: 429, body: '<html>429</html>' } } } }, { operations: ['retrieveConfiguration'] });
    const results = r.find('retrieveConfiguration');
    // Every case the host answered 429 (those that reach the operation) is not checked; none passed on a 429.
    const throttled = results.filter((x) => x.outcome === 'not-checked');
    expect(throttled.map((x) => x.name)).toEqual(expect.arrayContaining(['configurationForServiceProvider', 'missing header Authorization']));
    expect(throttled.every((x) => x.attempts === 3 && /throttled: 429 on all 3 attempts/.test(x.error!))).toBe(true);
    expect(results.filter((x) => x.status === 429)).toEqual([]);
    // Between two attempts of a case, the host saw at least a second go by.
    const times = r.host.received.filter((x) => x.operationId === 'retrieveConfiguration').map((x) => x.at);
    for (let i = 1; i < 3; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    expect(r.result.exitCode).toBe(2);
  });

  it('honours Retry-After, capped at 30 s', async () => {
    const r = await checkAgainst({ throttle: false, inject: { retrieveConfiguration: { fault: { status: 429, headers: { 'Retry-After': '5' } } } } }, { operations: ['retrieveConfiguration'] });
    const times = r.host.received.filter((x) => x.operationId === 'retrieveConfiguration').map((x) => x.at);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(5000);
    const capped = await checkAgainst({ throttle: false, inject: { retrieveConfiguration: { fault: { status: 429, headers: { 'Retry-After': '3600' } } } } }, { operations: ['retrieveConfiguration'] });
    const t = capped.host.received.filter((x) => x.operationId === 'retrieveConfiguration').map((x) => x.at);
    expect(t[1]! - t[0]!).toBeGreaterThanOrEqual(30_000);
    expect(t[1]! - t[0]!).toBeLessThan(31_000);
  });
});

describe('a front end that drops pooled connections it has given up on', () => {
  // Paced a second apart, every request of a run against Adobe follows a pause. A front end that
  // drops connections idle for less than undici keeps them pooled (4 s), without announcing it,
  // closes the one the next request goes out on: here, every reused connection (idleMs 0).
  const behindFront = async (operations: string[], includeStateChanging = false) => {
    const clock = virtualClock();
    const host = await startFakeAdobe({ clock, softwareStatement: STATEMENT, description });
    const front = await startIdleClosingFront(host.baseUrl, 0);
    cleanup.push(() => host.close(), () => front.close());
    const result = await runCheck({ target: front.url, reportDir: await tmp(), driftFile: false, env: ENV, description, pace: { clock }, operations, includeStateChanging });
    return { host, front, result, find: (id: string) => result.report.results.filter((x) => x.operationId === id) };
  };

  it('a GET and the token request go again on a new connection: every case checked, exit 0', async () => {
    const { host, front, result } = await behindFront(OPS);
    expect(result.report.results.filter((x) => x.outcome === 'error')).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(front.dropped()).toBeGreaterThan(0);
    // Each dropped connection cost its request one more attempt, and nothing else did.
    const resent = result.report.results.reduce((n, x) => n + (x.attempts ?? 1) - 1, 0);
    expect(resent).toBe(front.dropped());
    expect(host.count('retrieveClientCredentials')).toBe(1);
  });

  it('a POST that acts is not sent again: a session case on a dropped connection is an error that says so', async () => {
    const { host, front, find } = await behindFront(['createAuthenticationSession'], true);
    const sessions = find('createAuthenticationSession');
    const failed = sessions.filter((x) => x.outcome === 'error');
    expect(failed.length).toBeGreaterThan(0);
    for (const x of failed) expect(x.error).toBe('connection: UND_ERR_SOCKET');
    // Every session request the front end let through reached the host once; none was sent twice.
    expect(host.count('createAuthenticationSession')).toBe(sessions.length - failed.length);
    expect(front.dropped()).toBeGreaterThanOrEqual(failed.length);
  });
});
