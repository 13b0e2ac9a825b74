// Proxy mode in front of a host whose front end drops connections idle for a while without saying
// so (tests/support/idle-closing-front.ts): the proxy's pooled upstream connection and its next
// request cross. A request HTTP lets a client repeat (an idempotent method, the DCR token request)
// is sent again, once, on a new connection, and the application gets the host's answer; a POST
// that acts, or a request whose connection was new, gets the 502 that says what happened.
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../src/proxy/server.ts';
import { startFakeAdobe, type FakeAdobe } from '../support/fake-adobe/index.ts';
import { startIdleClosingFront, type IdleClosingFront } from '../support/idle-closing-front.ts';
import { description, STATEMENT } from '../contract/support.ts';

// Long enough that no pause inside one exchange reaches it on a busy machine.
const IDLE_MS = 300;
const DEVICE_INFO = Buffer.from(JSON.stringify({ primaryHardwareType: 'SetTopBox' })).toString('base64');
const device = { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': DEVICE_INFO };
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

interface Setup { host: FakeAdobe; front: IdleClosingFront; proxy: RunningProxy; dir: string }

async function behindIdleFront(): Promise<Setup> {
  const host = await startFakeAdobe({ softwareStatement: STATEMENT, description, throttle: false });
  cleanup.push(() => host.close());
  const front = await startIdleClosingFront(host.baseUrl, IDLE_MS);
  cleanup.push(() => front.close());
  const dir = await mkdtemp(join(tmpdir(), 'pass-proxy-dropped-'));
  const proxy = await startProxy({ upstream: front.url, port: 0, reportDir: dir, description });
  cleanup.push(() => proxy.close());
  return { host, front, proxy, dir };
}

/** Registers and gets a token through the proxy (one after the other: no pause, no drop). */
async function token(proxyUrl: string): Promise<string> {
  const registered = await fetch(`${proxyUrl}/o/client/register`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Info': DEVICE_INFO }, body: JSON.stringify({ software_statement: STATEMENT }) });
  expect(registered.status).toBe(201);
  const { client_id, client_secret } = (await registered.json()) as { client_id: string; client_secret: string };
  const answer = await tokenRequest(proxyUrl, client_id, client_secret);
  expect(answer.status).toBe(201);
  return ((await answer.json()) as { access_token: string }).access_token;
}

const tokenRequest = (proxyUrl: string, clientId: string, clientSecret: string) =>
  fetch(`${proxyUrl}/o/client/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Device-Info': DEVICE_INFO }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString() });

/** A raw TCP host of the test's making (`serve` gets each connection) with a proxy in front of it; both closed after the test. */
async function proxyInFrontOf(serve: (socket: Socket) => void): Promise<RunningProxy> {
  const sockets = new Set<Socket>();
  const host = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    serve(socket);
  });
  await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => { for (const s of sockets) s.destroy(); host.close(r); }));
  const dir = await mkdtemp(join(tmpdir(), 'pass-proxy-raw-'));
  const proxy = await startProxy({ upstream: `http://127.0.0.1:${(host.address() as AddressInfo).port}`, port: 0, reportDir: dir, description });
  cleanup.push(() => proxy.close());
  return proxy;
}

const results = async (dir: string) => (JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { results: { operationId: string; outcome: string; status?: number; error?: string; repeats?: number }[] }).results;

describe('proxy mode, upstream connections dropped while idle in the pool', () => {
  it('sends a GET again, once, on a new connection: every call after a pause gets the host\'s answer, checked', async () => {
    const { host, front, proxy, dir } = await behindIdleFront();
    const bearer = await token(proxy.url);
    const ROUNDS = 4;
    for (let i = 0; i < ROUNDS; i++) {
      await sleep(IDLE_MS + 50);
      const answer = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: { ...device, Authorization: `Bearer ${bearer}` } });
      expect([answer.status, answer.headers.get('content-type')]).toEqual([200, expect.stringContaining('json')]);
      await answer.text();
    }
    // After a pause the pooled connection is lost; the request sent again goes on a connection of
    // its own, so the next round opens a new one: every other round meets a drop. The host answered
    // each call once (a dropped request never reached it).
    expect(front.dropped()).toBe(ROUNDS / 2);
    expect(host.count('retrieveConfiguration')).toBe(ROUNDS);
    await proxy.flush();
    const configuration = (await results(dir)).filter((r) => r.operationId === 'retrieveConfiguration');
    // One row for all of them (the report folds exchanges alike), standing for every round.
    expect(configuration.map((r) => [r.outcome, r.status, 1 + (r.repeats ?? 0)])).toEqual([['pass', 200, ROUNDS]]);
  });

  it('sends the DCR token request again (it only gets another token); a POST that acts gets the 502, sent once', async () => {
    const { host, front, proxy, dir } = await behindIdleFront();
    const registered = await fetch(`${proxy.url}/o/client/register`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Info': DEVICE_INFO }, body: JSON.stringify({ software_statement: STATEMENT }) });
    const { client_id, client_secret } = (await registered.json()) as { client_id: string; client_secret: string };
    await sleep(IDLE_MS + 50);
    const answer = await tokenRequest(proxy.url, client_id, client_secret);
    expect(answer.status).toBe(201);
    const { access_token } = (await answer.json()) as { access_token: string };
    expect(front.dropped()).toBe(1);
    expect(host.count('retrieveAccessToken')).toBe(1);

    // A GET opens a new pooled connection; after the pause, the session request meets its drop.
    await (await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: { ...device, Authorization: `Bearer ${access_token}` } })).text();
    await sleep(IDLE_MS + 50);
    const session = await fetch(`${proxy.url}/api/v2/REF30/sessions`, { method: 'POST', headers: { ...device, Authorization: `Bearer ${access_token}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'mvpd=Cablevision&domainName=adobe.com&redirectUrl=https%3A%2F%2Fadobe.com' });
    expect(session.status).toBe(502);
    expect(await session.text()).toMatch(/upstream failed \((ECONNRESET|EPIPE|socket hang up)/);
    expect(front.dropped()).toBe(2);
    expect(host.count('createAuthenticationSession')).toBe(0);
    await proxy.flush();
    expect((await results(dir)).find((r) => r.operationId === 'createAuthenticationSession')).toMatchObject({ outcome: 'error', error: expect.stringMatching(/upstream failure/) });
  });

  it('does not send again once the answer has begun: a connection reset mid-body ends the client\'s answer, the proxy serves on', async () => {
    let requests = 0;
    const json = '{"requestor":{"id":"REF30","mvpds":[]}}';
    // Answers every request whole but the second, which (on the first one's kept-alive connection) breaks off mid-body.
    const proxy = await proxyInFrontOf((socket) => {
      socket.on('data', () => {
        requests++;
        const head = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n`;
        if (requests !== 2) socket.write(`${head}${json}`);
        else {
          socket.write(`${head}${json.slice(0, 10)}`);
          setTimeout(() => socket.resetAndDestroy(), 50);
        }
      });
    });
    const first = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: device });
    expect([first.status, await first.text()]).toEqual([200, json]);
    const second = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: device });
    expect(second.status).toBe(200);
    await expect(second.text()).rejects.toThrow();
    expect(requests).toBe(2);
    // The proxy is still there, and the next request gets its answer.
    const third = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: device });
    expect([third.status, await third.text()]).toEqual([200, json]);
    expect(requests).toBe(3);
  });

  it('does not send again when the connection was new: a host that resets every connection is asked once', async () => {
    let connections = 0;
    const proxy = await proxyInFrontOf((socket) => {
      connections++;
      socket.once('data', () => socket.resetAndDestroy());
    });
    const answer = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: device });
    expect(answer.status).toBe(502);
    expect(await answer.text()).toContain('ECONNRESET');
    expect(connections).toBe(1);
  });
});
