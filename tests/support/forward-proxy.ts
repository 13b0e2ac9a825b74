// A forward proxy as a corporate network or CI runner has one: HTTP CONNECT tunnels, an optional
// Proxy-Authorization it demands, and, when refusing, a 407 page that echoes the credentials it got
// (a hostile or careless proxy). It records every tunnel asked for.
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface Tunnel { target: string; authorization: string | undefined }

export interface ForwardProxy {
  /** http://127.0.0.1:<port> */
  url: string;
  tunnels: Tunnel[];
  close: () => Promise<void>;
}

/** `expect`: the Proxy-Authorization a tunnel needs (anything else gets a 407 that echoes what came). */
export async function startForwardProxy(o: { expect?: string } = {}): Promise<ForwardProxy> {
  const tunnels: Tunnel[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => res.writeHead(405, { Connection: 'close' }).end('CONNECT only'));
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const authorization = req.headers['proxy-authorization'];
    tunnels.push({ target: req.url ?? '', authorization });
    if (o.expect !== undefined && authorization !== o.expect) {
      const page = `<html><body>407: ${String(authorization)} is not welcome here</body></html>`;
      client.end(`HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(page)}\r\nConnection: close\r\n\r\n${page}`);
      return;
    }
    const [host, port] = [req.url!.slice(0, req.url!.lastIndexOf(':')), Number(req.url!.slice(req.url!.lastIndexOf(':') + 1))];
    const upstream = connect(port, host.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
