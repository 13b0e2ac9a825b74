// Starts a node:http server and says where it listens: the URL clients use, with an IPv6 host in
// brackets (`http://[::1]:4010`), as `new URL()` and fetch need it. A server that cannot listen
// says why in words (Node's own message is `listen EADDRINUSE: address already in use …`).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server that could not start listening: why, with Node's error code kept. */
export class ListenError extends Error {
  override name = 'ListenError';
  constructor(message: string, readonly code: string | undefined, options?: ErrorOptions) {
    super(message, options);
  }
}

function why(code: string | undefined, port: number, fallback: string): string {
  if (code === 'EADDRINUSE') return 'the port is in use (another server listens there); choose another port, or 0 for a free one';
  if (code === 'EADDRNOTAVAIL') return 'the host is not an address of this machine';
  if (code === 'EACCES') return `not allowed${port > 0 && port < 1024 ? ' (ports below 1024 need privileges)' : ''}`;
  return code ?? fallback;
}

export async function listen(server: Server, port: number, host: string): Promise<string> {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => reject(new ListenError(`cannot listen on ${where}: ${why(error.code, port, error.message)}`, error.code, { cause: error }));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const { port: actual } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
}
