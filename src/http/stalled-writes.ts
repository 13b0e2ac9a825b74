// A client that stops reading its answers (a process stopped in a debugger, a peer that pipelines
// requests and never reads, a reader stuck behind a full buffer) keeps its TCP window at zero and
// acknowledges the kernel's probes, so without a bound its connection, and what the server queued
// for it, are held for ever: Node's requestTimeout and headersTimeout only bound the request, and
// keepAliveTimeout starts once an answer has been written out. This is nginx's `send_timeout`:
// a connection whose queued output has not moved for `ms` is closed. A connection that is merely
// quiet while its answer is being worked on (the proxy waiting for its upstream, the simulator's
// `hang` fault) is kept; each of those has a deadline of its own.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** How long queued output may stand still before its connection is closed (ms): nginx's default `send_timeout`. */
export const SEND_TIMEOUT_MS = 60_000;

/**
 * Closes `server`'s connections whose output made no progress for `ms`. Uses Node's socket
 * inactivity timer (`server.timeout`), which already treats a write that moves as activity, and
 * keeps Node's own handling of idle connections (keep-alive expiry closes them, as before).
 * `ms` is checked by the caller (`timerOption`), before it opens anything.
 */
export function closeStalledWrites(server: Server, ms: number): void {
  /** Answers begun and not yet finished or abandoned, per connection. */
  const answering = new WeakMap<Socket, number>();
  server.on('request', (req, res) => {
    const socket = req.socket;
    answering.set(socket, (answering.get(socket) ?? 0) + 1);
    res.once('close', () => answering.set(socket, (answering.get(socket) ?? 1) - 1));
  });
  server.timeout = ms;
  // With a listener here, Node leaves the decision to it (without one, it destroys the socket).
  server.on('timeout', (socket: Socket) => {
    // Output queued and not moving: the client stopped reading.
    if (socket.writableLength > 0) return socket.destroy();
    // Nothing queued and nothing being answered: an idle connection, which Node would close
    // (keep-alive expiry fires this same event).
    if ((answering.get(socket) ?? 0) === 0) return socket.destroy();
    // Quiet while an answer is worked on: look again after another period.
    socket.setTimeout(ms);
  });
}
