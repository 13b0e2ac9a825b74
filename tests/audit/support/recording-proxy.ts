// A loopback forwarder that records every exchange with HarRecorder, standing in for
// `pass-contract proxy --record` until that lands: what the dogfood runs are audited from.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HarRecorder } from '../../../src/http/har.ts';
import { readBodyText } from '../../../src/http/body.ts';

/** Time for the recording: real, or a virtual clock the client shares (each exchange then takes `latencyMs`). */
export interface RecordingClock {
  now(): number;
  /** Called after each forwarded exchange with the time it took on the recording's clock. */
  elapsed?(ms: number): void;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'host']);
const MAX_BODY = 1 << 20;

export async function startRecordingProxy(o: { upstream: string; file: string; clock?: RecordingClock; latencyMs?: number }) {
  const clock = o.clock ?? { now: () => Date.now() };
  const recorder = await HarRecorder.create(o.file, { creator: { name: 'pass-contract audit tests', version: '1' } });
  const pending = new Set<Promise<void>>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const startedAt = clock.now();
    const body = await readBodyText(req);
    const headers = Object.entries(req.headers).flatMap(([k, v]) => (v === undefined || HOP_BY_HOP.has(k) ? [] : [[k, Array.isArray(v) ? v.join(', ') : v] as [string, string]]));
    const upstream = await fetch(new URL(req.url ?? '/', o.upstream), {
      method: req.method ?? 'GET', headers, redirect: 'manual', signal: AbortSignal.timeout(5000),
      ...(body !== undefined ? { body } : {}),
    });
    const bytes = new Uint8Array(await upstream.arrayBuffer()).subarray(0, MAX_BODY);
    const durationMs = o.clock?.elapsed ? (o.latencyMs ?? 20) : clock.now() - startedAt;
    o.clock?.elapsed?.(durationMs);
    const responseHeaders: [string, string][] = [];
    upstream.headers.forEach((value, name) => !HOP_BY_HOP.has(name) && responseHeaders.push([name, value]));
    const recorded = recorder.record({
      startedAt, durationMs,
      request: { method: req.method ?? 'GET', url: new URL(req.url ?? '/', o.upstream).toString(), headers: Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v] as [string, string]])), ...(body !== undefined ? { body } : {}) },
      response: { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders, body: bytes },
      ...(req.socket.remoteAddress ? { clientAddress: req.socket.remoteAddress } : {}),
    });
    pending.add(recorded);
    void recorded.finally(() => pending.delete(recorded));
    res.writeHead(upstream.status, Object.fromEntries(responseHeaders)).end(Buffer.from(bytes));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => res.writeHead(502, { 'content-type': 'text/plain' }).end(`recording proxy: ${error.message}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get count() {
      return recorder.count;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.all(pending);
      await recorder.close();
    },
  };
}
