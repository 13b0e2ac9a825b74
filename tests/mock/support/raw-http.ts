// Sends raw bytes to a server over a net.Socket and reads back what it answers, bounded in time and
// size: for requests no HTTP client would send (bad escapes in the request line, broken framing).
import { connect } from 'node:net';

export interface RawAnswer {
  /** The status of the first response, if one arrived. */
  status?: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection (rather than our timeout). */
  closed: boolean;
}

const MAX_BYTES = 1024 * 1024;

/** Writes `bytes` (then half-closes unless `keepOpen`), collects the reply until close or `timeoutMs`. */
export function rawRequest(port: number, bytes: Buffer, { timeoutMs = 3000, keepOpen = false } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let size = 0;
    let closed = false;
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('connect', () => {
      socket.write(bytes);
      if (!keepOpen) socket.end();
    });
    socket.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_BYTES) socket.destroy();
      else chunks.push(d);
    });
    socket.on('end', () => void (closed = true));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // A reset after the server answered and closed is an ordinary end here.
      if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(chunks), closed));
    });
  });
}

function parseResponse(raw: Buffer, closed: boolean): RawAnswer {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { headers: {}, body: '', closed };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  return { ...(Number.isFinite(status) ? { status } : {}), headers, body: body.toString('utf8'), closed };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) break;
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Serialises a request as HTTP/1.1 bytes (latin1 header values, `Connection: close`, Content-Length when there is a body). */
export function serialise(r: { method: string; target: string; headers: Record<string, string | string[]>; body?: Uint8Array }, host: string): Buffer {
  const lines = [`${r.method} ${r.target} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  for (const [name, value] of Object.entries(r.headers)) for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  if (r.body) lines.push(`Content-Length: ${r.body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(r.body ?? new Uint8Array())]);
}
