// A connection to a host through an HTTP proxy's CONNECT tunnel, for `node:http(s)` requests (the
// recording proxy's upstream, which forwards byte for byte and so does not go through fetch): the
// `createConnection` option of `http.request`, in its callback form. A proxy that refuses the
// tunnel (a 407, a 403) is an error that says so, never an answer passed on as the host's: the
// field's agent for this (`https-proxy-agent`) replays the proxy's refusal as the host's response.
import { request as httpRequest, type ClientRequestArgs } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { endpoint, proxyAuthorization } from './proxy.ts';

type Oncreate = (error: Error | null, socket?: Socket) => void;

/**
 * `createConnection` for connections to `target` through `proxy` (of a request, or of an agent that
 * keeps them alive); each connection is a tunnel of its own, opened within `timeoutMs`.
 */
export function tunnelThrough(proxy: URL, target: URL, timeoutMs: number): NonNullable<ClientRequestArgs['createConnection']> {
  const to = endpoint(target);
  const via = endpoint(proxy);
  const authority = `${isIP(to.host) === 6 ? `[${to.host}]` : to.host}:${to.port}`;
  const authorization = proxyAuthorization(proxy);
  const send = proxy.protocol === 'https:' ? httpsRequest : httpRequest;
  return ((_options: unknown, oncreate: Oncreate) => {
    let settled = false;
    const connect = send({
      host: via.host, port: via.port, method: 'CONNECT', path: authority, agent: false, timeout: timeoutMs,
      headers: { host: authority, ...(authorization ? { 'proxy-authorization': authorization } : {}) },
    });
    const fail = (error: Error) => {
      connect.destroy();
      if (settled) return;
      settled = true;
      oncreate(error);
    };
    connect.once('connect', (res, socket: Socket, head: Buffer) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        fail(new Error(`the proxy refused the tunnel: HTTP ${res.statusCode}${res.statusCode === 407 ? ' (Proxy Authentication Required: check the user and password in the proxy URL)' : ''}`));
        return;
      }
      settled = true;
      if (head.length) socket.unshift(head);
      socket.setTimeout(0);
      oncreate(null, target.protocol === 'https:' ? tlsConnect({ socket, ...(isIP(to.host) ? {} : { servername: to.host }), ALPNProtocols: ['http/1.1'] }) : socket);
    });
    connect.once('timeout', () => fail(Object.assign(new Error(`the proxy opened no tunnel within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    connect.once('error', fail);
    connect.end();
    return undefined;
  }) as unknown as NonNullable<ClientRequestArgs['createConnection']>;
}
