// A loopback host serving descriptions, and misbehaving on purpose: slow, huge, redirect loops, echoing secrets.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface SpecHost {
  url: string;
  /** Headers of every request received, in order. */
  received: { path: string; headers: IncomingHttpHeaders }[];
  /** Resolves when the client drops a response to `path` before its end (e.g. a timeout on /slow). */
  droppedByClient: (path: string) => Promise<void>;
  close: () => Promise<void>;
}

/** `files` maps URL paths to files on disk; other paths behave as their names say (see the switch). */
export async function startSpecHost(files: Record<string, string> = {}): Promise<SpecHost> {
  const received: SpecHost['received'] = [];
  const open = new Set<ServerResponse>();
  const dropped = new Map<string, () => void>();
  const droppedAt = new Map<string, Promise<void>>();
  const droppedByClient = (path: string) => {
    if (!droppedAt.has(path)) droppedAt.set(path, new Promise<void>((resolve) => dropped.set(path, resolve)));
    return droppedAt.get(path)!;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    received.push({ path: url.pathname, headers: req.headers });
    open.add(res);
    res.on('close', () => {
      open.delete(res);
      if (!res.writableFinished) {
        void droppedByClient(url.pathname);
        dropped.get(url.pathname)!();
      }
    });
    if (files[url.pathname]) return void res.writeHead(200, { 'content-type': 'application/yaml' }).end(readFileSync(files[url.pathname]!));
    switch (url.pathname) {
      case '/slow': // headers, then a body that never ends
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"openapi": "3.1.0", ');
        return;
      case '/huge': { // no content-length, streams past any sane cap
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 32);
        const pump = () => { while (res.write(chunk)) { if (res.writableLength > 1 << 20) break; } };
        res.on('drain', pump);
        pump();
        return;
      }
      case '/declared-huge':
        return void res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) }).end();
      case '/loop':
        return void res.writeHead(302, { location: '/loop' }).end();
      case '/to-credentials':
        return void res.writeHead(302, { location: 'http://user:hunter2@127.0.0.1:1/x' }).end();
      case '/redirect-to-spec':
        return void res.writeHead(301, { location: url.searchParams.get('to') ?? '/' }).end();
      case '/echo': // echoes the query into an error page, as some servers do
        return void res.writeHead(500, { 'content-type': 'text/plain' }).end(`bad request ${url.search}`);
      default:
        return void res.writeHead(404).end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    droppedByClient,
    close: () => new Promise((resolve) => {
      for (const res of open) res.destroy();
      server.close(() => resolve());
    }),
  };
}

export const fixture = (...parts: string[]) => join(import.meta.dirname, '..', 'fixtures', ...parts);
