// A front end (load balancer, CDN edge, reverse proxy) in front of a host that drops a client
// connection idle for `idleMs` without saying so: no `Keep-Alive: timeout=` header, so undici keeps
// the connection in its pool for its own 4 s. Its close and the client's next request cross: the
// request arrives on a connection the front end has given up on, which it closes unanswered. Each
// request that arrives after such a pause is that race, lost: the worst case, made deterministic.
// A new connection's first request always goes through; `idleMs: 0` drops every reused connection.
// Its other connections idle as long are closed at the same moment, as its timer would have closed
// them: a client learns of those closes as of any other, a pool of them does not all lose the race.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface IdleClosingFront {
  url: string;
  /** Connections the front end closed under a request. */
  dropped: () => number;
  /** Connections opened by clients. */
  connections: () => number;
  close: () => Promise<void>;
}

export async function startIdleClosingFront(upstreamUrl: string, idleMs: number): Promise<IdleClosingFront> {
  const upstream = new URL(upstreamUrl);
  const sockets = new Set<Socket>();
  /** Open client connections: when each last went quiet, and how to close it. */
  const open = new Map<Socket, { quietSince: number | undefined; close: () => void }>();
  let dropped = 0;
  let connections = 0;
  const server = createServer((client) => {
    connections++;
    sockets.add(client);
    const host = connect(Number(upstream.port), upstream.hostname);
    sockets.add(host);
    const drop = () => {
      open.delete(client);
      client.destroy();
      host.destroy();
    };
    // When the connection last went quiet: at each byte the host sent back (a new one is not idle).
    const state = { quietSince: undefined as number | undefined, close: drop };
    open.set(client, state);
    const idle = (c: { quietSince: number | undefined }) => c.quietSince !== undefined && Date.now() - c.quietSince >= idleMs;
    client.on('data', (chunk: Buffer) => {
      if (idle(state)) {
        dropped++;
        drop();
        for (const other of [...open.values()]) if (idle(other)) other.close();
        return;
      }
      state.quietSince = undefined;
      host.write(chunk);
    });
    host.on('data', (chunk: Buffer) => {
      state.quietSince = Date.now();
      client.write(chunk);
    });
    for (const s of [client, host]) {
      s.on('error', drop);
      s.on('close', () => {
        sockets.delete(s);
        drop();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropped: () => dropped,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
