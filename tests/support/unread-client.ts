// A client that stops reading its answers: it connects over loopback, writes what it is given and
// never reads (its socket paused, so its TCP window falls to zero once the kernel's buffers fill).
// Resumed, it reads to the end of the connection and says how many bytes it got: fewer than were
// answered means the server let the rest go.
import { connect, type Socket } from 'node:net';

export interface UnreadClient {
  socket: Socket;
  /** Settles when the connection closes (only seen once the client reads again). */
  closed: Promise<void>;
  /** Reads again, to the end of the connection; the number of bytes read since connecting. */
  readToClose(): Promise<number>;
}

export async function unreadClient(url: string): Promise<UnreadClient> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
  socket.pause();
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  return {
    socket,
    closed,
    readToClose: async () => {
      let received = 0;
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
      socket.resume();
      await closed;
      return received;
    },
  };
}

/**
 * Waits until `count()` has not changed for `quietMs` (looking for at most 30 s): how a test sees a
 * server stop answering a client that does not read. Timers of one process: a server timer shorter
 * than `quietMs`, started by the last change, has fired by the time this returns.
 */
export async function unchangedFor(count: () => number, quietMs: number): Promise<void> {
  let last = count();
  let since = performance.now();
  for (let i = 0; i < 300 && performance.now() - since < quietMs; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (count() !== last) [last, since] = [count(), performance.now()];
  }
}
