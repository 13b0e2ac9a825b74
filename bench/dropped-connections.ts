// Field figure: a front end that closes connections idle for IDLE_MS (a timer, as a load balancer
// does, without announcing it in a Keep-Alive header) and calls spaced IDLE_MS ± 10 ms, so that some
// of them go out on a pooled connection as the front end closes it. Counts the calls that fail
// through createPassClient without the dropped-connection re-send (`retry: false`) and with it,
// alternately in one run. Usage: tsx bench/dropped-connections.ts [calls per client] (default 150).
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPassClient } from 'pass-contract-client';

const IDLE_MS = 200;
const CALLS = Number(process.argv[2] ?? 150);
if (!Number.isInteger(CALLS) || CALLS < 1 || CALLS > 10_000) {
  console.error(`bench/dropped-connections.ts: calls must be a whole number from 1 to 10000, not ${process.argv[2]}`);
  process.exit(2);
}

// The host: every configuration request answered at once.
const body = JSON.stringify({ requestor: { id: 'REF30', mvpds: [{ id: 'Cablevision', displayName: 'Optimum' }] } });
const host = createHttpServer((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body));
await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
const hostPort = (host.address() as AddressInfo).port;

// The front end: relays bytes, and closes a connection IDLE_MS after the host last answered on it.
let idleCloses = 0;
const sockets = new Set<Socket>();
const front = createServer((client) => {
  const upstream = connect(hostPort, '127.0.0.1');
  let timer: NodeJS.Timeout | undefined;
  const close = () => {
    clearTimeout(timer);
    client.destroy();
    upstream.destroy();
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idleCloses++;
      close();
    }, IDLE_MS);
  };
  client.on('data', (chunk: Buffer) => {
    clearTimeout(timer);
    upstream.write(chunk);
  });
  upstream.on('data', (chunk: Buffer) => {
    client.write(chunk);
    arm();
  });
  for (const s of [client, upstream]) {
    sockets.add(s);
    s.on('error', close);
    s.on('close', () => {
      sockets.delete(s);
      close();
    });
  }
});
await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;

const tokens = { getAccessToken: async () => 'a-token', invalidate: async () => {} };
const clients = { without: createPassClient({ baseUrl, tokens, retry: false }), with: createPassClient({ baseUrl, tokens }) };
const failed = { without: 0, with: 0 };
const header = { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': 'eyJwcmltYXJ5SGFyZHdhcmVUeXBlIjoiU2V0VG9wQm94In0' };
for (let i = 0; i < CALLS; i++) {
  for (const k of ['without', 'with'] as const) {
    await sleep(IDLE_MS - 10 + Math.random() * 20);
    try {
      await clients[k].GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF30' }, header }, cache: 'no-store' });
    } catch {
      failed[k]++;
    }
  }
}
console.log(`front end closing connections idle ${IDLE_MS} ms (in this process), calls ${IDLE_MS - 10}–${IDLE_MS + 10} ms apart, ${CALLS} per client, alternating; ${idleCloses} idle closes`);
console.log(`calls failed: without the dropped-connection re-send (retry: false) ${failed.without} of ${CALLS}, with it ${failed.with} of ${CALLS}`);
for (const s of sockets) s.destroy();
front.close();
host.close();
