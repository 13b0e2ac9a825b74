// The mock's HTTP edge: reads each request (bounded), hands it to the pure handler, writes the answer.
import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { loadDescription, type Description } from '../description/index.ts';
import { discardBody, readBody } from '../http/body.ts';
import { listen } from '../http/listen.ts';
import { countOption, timerOption } from '../http/option-bounds.ts';
import { closeStalledWrites, SEND_TIMEOUT_MS } from '../http/stalled-writes.ts';
import { loadPrismMocker, prismOperations } from '../prism/index.ts';
import { createMockHandler, type MockHandler, type MockResponse } from './handler.ts';

export interface MockOptions {
  host?: string;
  /** 0 picks a free port. Default 4010. */
  port?: number;
  /** The loaded description (default: the bundled one, loaded here). */
  description?: Description;
  /** Largest request body read, in bytes (default 1 MiB); a larger one is answered as a malformed body. */
  maxBodyBytes?: number;
  /** How long an answer may sit unread before the connection is closed (ms, default 60 s): a client that stops reading. */
  sendTimeoutMs?: number;
  /** Called once per request with what was answered (for tests and `--verbose`). */
  onRequest?: (entry: { method: string; path: string; status: number; violation?: string }) => void;
}

export interface RunningMock {
  url: string;
  close(): Promise<void>;
}

/** The handler for a description: Prism's validator and mocker over Prism's operations for it. */
export async function createMock(description: Description = loadDescription()): Promise<MockHandler> {
  const prism = loadPrismMocker();
  return createMockHandler(description, prism, await prismOperations(description));
}

/** How much of a body over the cap the mock reads and drops before answering, in multiples of the cap. */
const DRAIN_FACTOR = 8;

function write(res: ServerResponse, r: MockResponse): void {
  // A known length, not chunked: writeHead fixes the framing before end() sees the body.
  const headers = { ...r.headers, 'Content-Length': String(r.body === undefined ? 0 : Buffer.byteLength(r.body)) };
  res.writeHead(r.status, headers).end(r.body);
}

export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  // NaN compared false with every size: the mock buffered request bodies without a bound.
  const max = countOption('startMock', 'maxBodyBytes', options.maxBodyBytes ?? 1024 * 1024, 1);
  const sendTimeoutMs = timerOption('startMock', 'sendTimeoutMs', options.sendTimeoutMs ?? SEND_TIMEOUT_MS);
  const handle = await createMock(options.description ?? loadDescription());

  const server: Server = createHttpServer(async (req, res) => {
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    let response: MockResponse;
    try {
      const { bytes, tooLarge } = await readBody(req, max);
      // Over the cap, the rest is read and dropped before answering, so a client that sends it all gets
      // to read the answer; but only up to DRAIN_FACTOR times the cap (a client may stream without end):
      // past that it is answered while still sending, and the connection closes behind the answer.
      if (tooLarge) await discardBody(req, DRAIN_FACTOR * max);
      response = handle({ method, target, headers: req.headers, ...(tooLarge ? { bodyError: `body larger than ${max} bytes` } : bytes.length ? { body: bytes } : {}) });
      if (tooLarge) response.headers.Connection = 'close';
    } catch (error) {
      // The client went away mid-body: nobody is left to answer.
      if (req.readableAborted || res.destroyed) return;
      response = { status: 400, headers: { Connection: 'close' }, violation: `unreadable request: ${(error as Error).message}` };
    }
    if (!res.destroyed) write(res, response);
    options.onRequest?.({ method, path: target.split('?')[0]!, status: response.status, ...(response.violation ? { violation: response.violation } : {}) });
  });
  // A request that never finishes does not hold a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  closeStalledWrites(server, sendTimeoutMs);
  const url = await listen(server, options.port ?? 4010, options.host ?? '127.0.0.1');
  return {
    url,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Every connection, not only idle ones: Node stops enforcing requestTimeout once close() begins,
      // so a client mid-body (or one not reading its answers) would hold it open for ever. An answer
      // is written whole as soon as its request is read, so no answer of the mock's is cut short.
      server.closeAllConnections();
    }),
  };
}
