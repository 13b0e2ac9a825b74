// Serves a built docs directory over node:http on 127.0.0.1, for a quick look and for the browser test.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Maps a URL path to a file under `dir`; `null` for paths that climb out of it. */
export function resolveDocsPath(dir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  const relative = normalize(decoded.endsWith('/') ? `${decoded}index.html` : decoded).replace(/^([/\\]|\.\.([/\\]|$))+/, '');
  const file = join(dir, relative);
  return file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? file : null;
}

export function createDocsServer(dir: string): Server {
  return createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveDocsPath(dir, req.url ?? '/');
    if (!file) {
      res.writeHead(400).end();
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n'),
    );
  });
}

/** Starts the server; port 0 picks a free port. Resolves with the server and its base URL. */
export async function serveDocs(dir: string, port = 0): Promise<{ server: Server; url: string }> {
  const server = createDocsServer(dir);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${actual}/` };
}
