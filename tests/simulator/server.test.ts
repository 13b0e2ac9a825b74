// The simulator's HTTP edge: where it listens (src/http/listen.ts), a request body over the cap
// answered 413 at once (not buffered, not waited for), a client that goes away mid-body getting no
// answer and no recorded exchange, and the simulator going on serving; a client that stops reading
// let go after the send timeout, while a request its hang fault holds is not.
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.ts';
import { readValidHar } from '../support/har-file.ts';
import { unchangedFor, unreadClient } from '../support/unread-client.ts';
import { DEVICE_INFO, sharedDescription } from './support.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, description: sharedDescription(), maxBodyBytes: 1024 });
});
afterAll(() => sim.close());

const registerAt = (url: string, statement: string) => fetch(`${url}/o/client/register`, {
  method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Info': DEVICE_INFO }, body: JSON.stringify({ software_statement: statement }), signal: AbortSignal.timeout(10_000),
});
const register = (statement: string) => registerAt(sim.url, statement);

describe('simulator body cap', () => {
  it('answers a body over maxBodyBytes with 413 and closes the connection; a body within it is read', async () => {
    const big = await register('x'.repeat(4096));
    expect(big.status).toBe(413);
    expect(big.headers.get('connection')).toBe('close');
    expect(await big.text()).toBe('request body larger than 1024 bytes\n');
    // Within the cap the body reaches the engine, which answers it (not 413, not 500).
    const small = await register('not-a-jws');
    expect(small.status).toBe(400);
    expect(await small.json()).toMatchObject({ error: 'invalid_software_statement' });
  });

  it('answers 413 to a declared Content-Length over the cap before the client has sent the body', async () => {
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${sim.url}/o/client/register`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(50 * 1024 * 1024) } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (t: string) => (text += t)).on('end', () => {
          resolve({ status: res.statusCode!, text });
          req.destroy();
        });
      });
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      // A few bytes of the 50 MiB and no more: a simulator that waited for the body would never answer.
      req.write('{"software_statement":"');
    });
    expect(answer).toEqual({ status: 413, text: 'request body larger than 1024 bytes\n' });
    expect((await register('not-a-jws')).status).toBe(400);
  });
});

describe('simulator with a client that goes away mid-body', () => {
  it('answers nothing and records no exchange for it, and records the next one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-sim-server-'));
    const file = join(dir, 'sim.har');
    const recorded = await startSimulator({ port: 0, description: sharedDescription(), record: file });
    try {
      await new Promise<void>((resolve) => {
        const req = request(`${recorded.url}/o/client/register`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': '1000' } });
        req.on('error', () => undefined);
        req.on('close', () => resolve());
        // Part of the body, then the client is gone.
        req.write('{"software_statement":"', () => setImmediate(() => req.destroy()));
      });
      expect((await registerAt(recorded.url, 'not-a-jws')).status).toBe(400);
    } finally {
      await recorded.close();
    }
    const { entries } = await readValidHar(file);
    expect(entries.map((e) => e.response.status)).toEqual([400]);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('simulator with a client that stops reading', () => {
  const SEND_TIMEOUT_MS = 300;
  let answered = 0;
  let slow: RunningSimulator;
  beforeAll(async () => {
    slow = await startSimulator({ port: 0, description: sharedDescription(), sendTimeoutMs: SEND_TIMEOUT_MS, onRequest: () => void answered++ });
  });
  afterAll(() => slow.close());

  it('closes the connection of a client that pipelines requests and stops reading the answers', async () => {
    const client = await unreadClient(slow.url);
    // More answers (401s, no token) than loopback's buffers hold: the simulator stops when they are full.
    const N = 20_000;
    const before = answered;
    client.socket.write(`GET /api/v2/REF30/configuration HTTP/1.1\r\nHost: x\r\nX-Device-Info: ${DEVICE_INFO}\r\n\r\n`.repeat(N));
    await unchangedFor(() => answered, 4 * SEND_TIMEOUT_MS);
    const stalledAt = answered;
    expect(stalledAt - before).toBeGreaterThan(0);
    expect(stalledAt - before).toBeLessThan(N);
    // Read again: what the buffers held, then the end; still connected, it would get all N answers.
    expect(await client.readToClose()).toBeGreaterThan(0);
    expect(answered).toBe(stalledAt);
  });

  it('still holds a request its hang fault holds, for many send timeouts, until the client gives up', async () => {
    const faults = await fetch(`${slow.url}/_sim/faults`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([{ operation: 'retrieveConfiguration', hang: true }]) });
    expect(faults.status).toBe(200);
    // Cut off by the simulator, fetch would fail with a socket error before its own deadline.
    const hung = fetch(`${slow.url}/api/v2/REF30/configuration`, { headers: { Authorization: 'Bearer t' }, signal: AbortSignal.timeout(5 * SEND_TIMEOUT_MS) });
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    await fetch(`${slow.url}/_sim/faults`, { method: 'DELETE' });
  });
});

describe('simulator listening', () => {
  it('gives a URL clients can use when it listens on an IPv6 address', async () => {
    const v6 = await startSimulator({ port: 0, host: '::1', description: sharedDescription() });
    try {
      expect(v6.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      expect((await registerAt(v6.url, 'not-a-jws')).status).toBe(400);
    } finally {
      await v6.close();
    }
  });

  it('fails to start on a port in use with the listen error, leaving a valid HAR with no exchange', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-sim-server-'));
    const port = Number(new URL(sim.url).port);
    await expect(startSimulator({ port, description: sharedDescription(), record: join(dir, 'sim.har') })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect((await readValidHar(join(dir, 'sim.har'))).entries).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });
});
