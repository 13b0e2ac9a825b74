// A TLS front end with a self-signed certificate (tests/support/tls/) in front of a plain http host:
// an https host this machine does not trust, as a proxy that inspects TLS looks to Node.
import { readFile } from 'node:fs/promises';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { projectRoot } from '../../src/description/document.ts';

/** The self-signed certificate: give it as NODE_EXTRA_CA_CERTS to trust it. */
export const TLS_CERT = join(projectRoot, 'tests/support/tls/cert.pem');

export interface TlsFront {
  /** https://127.0.0.1:<port> */
  url: string;
  /** TLS handshakes completed. */
  handshakes: () => number;
  close: () => Promise<void>;
}

export async function startTlsFront(upstreamUrl: string): Promise<TlsFront> {
  const upstream = new URL(upstreamUrl);
  const sockets = new Set<Socket>();
  let handshakes = 0;
  const [key, cert] = await Promise.all([readFile(join(projectRoot, 'tests/support/tls/key.pem')), readFile(TLS_CERT)]);
  const front = createServer({ key, cert }, (client) => {
    handshakes++;
    const plain = connect(Number(upstream.port), upstream.hostname);
    for (const s of [client, plain]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        plain.destroy();
      });
    }
    client.pipe(plain).pipe(client);
  });
  // A client that refuses the certificate ends the handshake: nothing to report here.
  front.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(front.address() as AddressInfo).port}`,
    handshakes: () => handshakes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        front.close(() => resolve());
      }),
  };
}
