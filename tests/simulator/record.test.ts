// `pass-contract simulate --record`: every answered exchange goes to a HAR 1.2 file, timed by the
// simulator's clock, with none of the secrets the simulator issues or receives, valid after a SIGKILL.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditFiles } from '../../src/audit/audit.ts';
import { main, type Io } from '../../src/cli/main.ts';
import { projectRoot } from '../../src/description/document.ts';
import { createVirtualClock } from '../../src/simulator/clock.ts';
import type { ClientRecord, TokenRecord } from '../../src/simulator/handlers/dcr.ts';
import { leaks, readValidHar } from '../support/har-file.ts';
import { DEVICE_INFO, device, REDIRECT, sharedDescription, SP, startTestSimulator } from './support.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const tmp = () => mkdtemp(join(tmpdir(), 'pass-sim-record-'));
const SERVICE_TOKEN = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"iss":"idp.example","sub":"record-canary","exp":4102444800}').toString('base64url')}.c2ln`;

describe('pass-contract simulate --record', () => {
  it('records each exchange on the simulator\'s clock, with no issued or received secret in any form', async () => {
    const file = join(await tmp(), 'sim.har');
    const t = await startTestSimulator({ record: file });
    cleanup.push(() => t.close());
    const token = await t.token();
    const session = await t.call('POST', `/api/v2/${SP}/sessions`, { token, headers: device(1, { 'AD-Service-Token': SERVICE_TOKEN }), form: { mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: REDIRECT } });
    const code = session.body.code as string;
    await t.signIn(code, 'alice', 'alice-password');
    const profile = await t.call('GET', `/api/v2/${SP}/profiles/code/${code}`, { token, headers: { 'X-Forwarded-For': '203.0.113.1' } });
    expect(Object.keys(profile.body.profiles)).toEqual(['Cablevision']);
    const decision = await t.call('POST', `/api/v2/${SP}/decisions/authorize/Cablevision`, { token, headers: device(1), json: { resources: ['REF30'] } });
    const mediaToken = decision.body.decisions[0].token.serializedToken as string;
    const before = await t.call('GET', '/_sim/clock', { unchecked: true });
    await t.advance('31m');
    await t.call('GET', `/api/v2/${SP}/profiles`, { token, headers: device(1) });
    expect(t.drifts).toEqual([]);
    const store = t.sim.simulator.ctx.store;
    const clients = await store.entries<ClientRecord>('clients');
    const tokens = await store.entries<TokenRecord>('tokens');
    expect([clients.length, tokens.length]).toEqual([1, 1]);
    const client = clients[0]![1];
    const accessToken = tokens[0]![0];
    const answered = t.sim.recording!.count;
    await t.close();

    const { text, entries } = await readValidHar(file);
    expect(entries).toHaveLength(answered);
    expect(leaks(text, {
      statement: t.scenario.softwareStatements[0]!.statement, clientSecret: client.clientSecret, accessToken,
      mediaToken, password: 'alice-password', serviceToken: SERVICE_TOKEN,
    })).toEqual([]);
    // Operations, the MVPD's sign-in pages and the control API, in order, each as the client saw it.
    expect(entries.map((e) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response.status}`)).toEqual([
      'POST /o/client/register 201', 'POST /o/client/token 201', `POST /api/v2/${SP}/sessions 200`,
      `GET /api/v2/authenticate/${SP}/${code} 302`, 'GET /_mvpd/Cablevision/sign-in 200', 'POST /_mvpd/Cablevision/sign-in 302',
      `GET /api/v2/${SP}/profiles/code/${code} 200`, `POST /api/v2/${SP}/decisions/authorize/Cablevision 200`,
      'GET /_sim/clock 200', 'POST /_sim/clock 200', `GET /api/v2/${SP}/profiles 200`,
    ]);
    expect(entries[0]!.request.url.startsWith(t.url)).toBe(true);
    // Timed by the simulator's clock: the last request is 31 minutes after the clock was read.
    // The time GET /_sim/clock answered was read during its exchange (within 5 ms held until two CPU
    // burners beside the suite made that read come later): between its recorded start and end.
    const clockRead = Date.parse(entries[8]!.startedDateTime);
    expect(before.body.now).toBeGreaterThanOrEqual(clockRead);
    expect(before.body.now).toBeLessThanOrEqual(clockRead + entries[8]!.time + 1);
    expect(Date.parse(entries[10]!.startedDateTime) - clockRead).toBeGreaterThanOrEqual(31 * 60_000);
    // The audit reads it: the API calls, one token reused, the code's polls owned by device 1.
    const report = await auditFiles([file], { description: sharedDescription() });
    expect(report.traffic).toMatchObject({ entries: answered, exchanges: 7, ignored: 4 });
    expect(report.rules.find((r) => r.id === 'token.reuse')!.status).toBe('pass');
  });

  it('on a clock only the test moves, never records an exchange that ends after the next one starts', async () => {
    // tests/audit/dogfood.test.ts moves such a clock by a round trip before each request. A request
    // that takes real time (a latency fault here, a busy machine there) was recorded with its real
    // duration, so a sequential client's next request started before the previous answer ended.
    const file = join(await tmp(), 'virtual.har');
    const clock = createVirtualClock(() => 1_795_000_000_000);
    const t = await startTestSimulator({ record: file, clock });
    cleanup.push(() => t.close());
    await t.call('PUT', '/_sim/faults', { json: [{ operation: 'retrieveConfiguration', latency: 200 }], unchecked: true });
    const token = await t.token();
    for (let i = 0; i < 2; i++) {
      clock.advance(50);
      expect((await t.call('GET', `/api/v2/${SP}/configuration`, { token })).status).toBe(200);
    }
    await t.close();
    const { entries } = await readValidHar(file);
    const spans = entries.map((e) => ({ what: `${e.request.method} ${new URL(e.request.url).pathname}`, start: Date.parse(e.startedDateTime), end: Date.parse(e.startedDateTime) + e.time }));
    expect(spans.map((s) => s.what).slice(-2)).toEqual([`GET /api/v2/${SP}/configuration`, `GET /api/v2/${SP}/configuration`]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start, `${spans[i]!.what} starts before ${spans[i - 1]!.what} ended`).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });

  it('leaves a valid recording of every answered exchange when the simulator process is killed, a hung request in flight', async () => {
    const dir = await tmp();
    const file = join(dir, 'killed.har');
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/bin.ts'), 'simulate', '--port', '0', '--record', file], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanup.push(async () => void child.kill('SIGKILL'));
    let out = '';
    const started = await new Promise<{ url: string; statement: string }>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const url = /simulator listening on (\S+)/.exec(out);
        const statement = /software statement \([^)]+\): (\S+)/.exec(out);
        if (url && statement && out.includes('recording every exchange to')) resolve({ url: url[1]!, statement: statement[1]! });
      });
      child.once('exit', (code) => reject(new Error(`simulate exited (${code}) before listening: ${out}`)));
    });
    const send = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${started.url}${path}`, { signal: AbortSignal.timeout(5000), ...init });
      return { status: res.status, body: await res.json().catch(() => undefined) as Record<string, string> | undefined };
    };
    const reg = await send('/o/client/register', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Info': DEVICE_INFO }, body: JSON.stringify({ software_statement: started.statement }) });
    const tok = await send('/o/client/token', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Device-Info': DEVICE_INFO }, body: new URLSearchParams({ client_id: reg.body!.client_id!, client_secret: reg.body!.client_secret!, grant_type: 'client_credentials' }) });
    const api = { ...device(1), Authorization: `Bearer ${tok.body!.access_token}` };
    expect((await send(`/api/v2/${SP}/configuration`, { headers: api })).status).toBe(200);
    expect((await send('/_sim/faults', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ operation: 'retrieveProfiles', hang: true }) })).status).toBe(200);
    const hung = fetch(`${started.url}/api/v2/${SP}/profiles`, { headers: api }).catch(() => 'connection lost');
    expect((await send(`/api/v2/${SP}/profiles/Cablevision`, { headers: api })).status).toBe(200);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(await hung).toBe('connection lost');

    const { text, entries } = await readValidHar(file);
    // Every answer the client read is in the file; the hung request, never answered, is not.
    expect(entries.map((e) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response.status}`)).toEqual([
      'POST /o/client/register 201', 'POST /o/client/token 201', `GET /api/v2/${SP}/configuration 200`, 'POST /_sim/faults 200', `GET /api/v2/${SP}/profiles/Cablevision 200`,
    ]);
    expect(leaks(text, { statement: started.statement, clientSecret: reg.body!.client_secret!, accessToken: tok.body!.access_token! })).toEqual([]);
    // The killed process left its lock on the recording; the next simulator on this host takes it over at once.
    expect((await readdir(dir)).sort()).toEqual(['killed.har', 'killed.har.lock']);
    const next = await startTestSimulator({ record: file });
    await next.close();
    expect(await readdir(dir)).toEqual(['killed.har']);
  }, 30_000);

  // Before, the second one truncated the first one's recording before finding its port taken, and
  // the first went on writing at its old offsets: 98 bytes of a new log, then a 3 KiB hole, then its
  // next entry; no parser read the file, which the first still said held 4 exchanges.
  it('a second simulator started with the same --record refuses it (exit 2), and the first one\'s recording keeps every exchange', async () => {
    const dir = await tmp();
    const file = join(dir, 'first.har');
    const first = await startTestSimulator({ record: file });
    cleanup.push(() => first.close());
    const token = await first.token();
    expect((await first.call('GET', `/api/v2/${SP}/configuration`, { token })).status).toBe(200);
    for (const port of [new URL(first.url).port, '0']) {
      const err: string[] = [];
      const io: Io = { out: () => undefined, err: (l) => err.push(l), isTTY: false, stopped: () => Promise.resolve() };
      expect(await main(['simulate', '--port', port, '--record', file], io)).toBe(2);
      expect(err).toEqual([`pass-contract: cannot record to ${file}: process ${process.pid} on ${hostname()} records to it (it holds ${file}.lock)`]);
    }
    expect((await first.call('GET', `/api/v2/${SP}/configuration`, { token })).status).toBe(200);
    await first.close();
    const { entries } = await readValidHar(file);
    expect(entries.map((e) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response.status}`)).toEqual([
      'POST /o/client/register 201', 'POST /o/client/token 201', `GET /api/v2/${SP}/configuration 200`, `GET /api/v2/${SP}/configuration 200`,
    ]);
    expect(await readdir(dir)).toEqual(['first.har']);
  });

  it('refuses a recording path it cannot write (exit 2, saying why)', async () => {
    const dir = await tmp();
    const err: string[] = [];
    const io: Io = { out: () => undefined, err: (l) => err.push(l), isTTY: false, stopped: () => Promise.resolve() };
    expect(await main(['simulate', '--port', '0', '--record', dir], io)).toBe(2);
    expect(err).toEqual([`pass-contract: cannot record to ${dir}: it is a directory`]);
  });
});
