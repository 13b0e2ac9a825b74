// Our servers (the mock, the proxy) against hostile clients on loopback: a client that streams a
// body without end, one that stops sending mid-body, one that leaves in the middle of an answer.
// Each must be answered or let go within the server's own bounds, and stopping the server must not
// wait for such a client. (The simulator's edge is in tests/simulator/server.test.ts, the body
// reader itself in body.test.ts.)
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDescription } from '../../src/description/index.ts';
import { startMock } from '../../src/mock/server.ts';

const description = loadDescription();
const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('the mock', () => {
  it('answers a body that never ends: it drops only a bounded part of the excess before answering and closing', async () => {
    const mock = await startMock({ port: 0, description, maxBodyBytes: 1024 });
    cleanup.push(() => mock.close());
    // A client streaming a chunked body as fast as the mock takes it, up to 128 MiB, then ending it:
    // how much it had sent when the answer (or the end of the connection) came.
    const CAP = 128 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const outcome = await new Promise<{ sent: number; status?: number }>((resolve) => {
      let sent = 0;
      let settled = false;
      const settle = (status?: number) => {
        if (settled) return;
        settled = true;
        resolve({ sent, ...(status !== undefined ? { status } : {}) });
        req.destroy();
      };
      const req = request(`${mock.url}/o/client/register`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Info': 'e30=' } }, (res) => settle(res.statusCode));
      req.on('error', () => settle());
      req.on('close', () => settle());
      const more = () => {
        while (!settled && sent < CAP) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', more);
        }
        if (!settled) req.end();
      };
      more();
    });
    // The drop is bounded by the mock (a few times its cap), not by the client: what the client sent
    // beyond that is only what loopback socket buffers hold.
    expect(outcome.sent).toBeLessThan(32 * 1024 * 1024);
    if (outcome.status !== undefined) expect(outcome.status).toBe(400);
  });
});
