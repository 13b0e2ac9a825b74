// The simulator's HTTP edge: reads a bounded body, hands the request to the engine, writes the reply
// (with `record`, after the exchange is in the HAR file).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadDescription, type Description } from '../description/index.ts';
import { readBody } from '../http/body.ts';
import { listen } from '../http/listen.ts';
import { countOption, timerOption } from '../http/option-bounds.ts';
import { headerValue } from '../http/request.ts';
import { headerPairs, openRecording, type Recording } from '../http/recording.ts';
import { closeStalledWrites, SEND_TIMEOUT_MS } from '../http/stalled-writes.ts';
import type { SimClock } from './clock.ts';
import { Simulator, type SimResponse, type SimulatorOptions } from './engine.ts';
import { loadScenario, type Scenario } from './scenario.ts';
import type { StateStore } from './store.ts';

export interface StartSimulatorOptions {
  host?: string;
  /** 0 picks a free port. Default 4020. */
  port?: number;
  description?: Description;
  /** A loaded scenario; default: `scenarioPath`, else the shipped default scenario. */
  scenario?: Scenario;
  scenarioPath?: string;
  store?: StateStore;
  clock?: SimClock;
  onRequest?: SimulatorOptions['onRequest'];
  /** Largest request body accepted (413 beyond). Default 64 KiB. */
  maxBodyBytes?: number;
  /** How long an answer may sit unread before the connection is closed (ms, default 60 s): a client that stops reading. */
  sendTimeoutMs?: number;
  /**
   * Write every answered exchange to this HAR 1.2 file (created or truncated; secrets redacted),
   * timed by the simulator's clock so the recording agrees with the expiries it hands out.
   */
  record?: string;
  /** Told about the first exchange that could not be written to the recording. */
  onRecordError?: (error: Error) => void;
}

export interface RunningSimulator {
  url: string;
  simulator: Simulator;
  /** The HAR recording, when `record` was given. */
  recording?: Pick<Recording, 'path' | 'count' | 'failures' | 'restarts'>;
  close(): Promise<void>;
}

export async function startSimulator(o: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const limit = countOption('startSimulator', 'maxBodyBytes', o.maxBodyBytes ?? 64 * 1024, 1);
  const sendTimeoutMs = timerOption('startSimulator', 'sendTimeoutMs', o.sendTimeoutMs ?? SEND_TIMEOUT_MS);
  const description = o.description ?? loadDescription();
  const scenario = o.scenario ?? loadScenario(description, ...(o.scenarioPath ? [o.scenarioPath] : []));
  const simulator = new Simulator({ description, scenario, ...(o.store ? { store: o.store } : {}), ...(o.clock ? { clock: o.clock } : {}), ...(o.onRequest ? { onRequest: o.onRequest } : {}) });
  const inFlight = new Set<AbortController>();
  let closing = false;
  const host = o.host ?? '127.0.0.1';
  const clock = simulator.ctx.clock;
  const recording = o.record
    ? await openRecording(o.record, {
      creator: { name: 'pass-contract simulate', version: '1' },
      // The simulator's own statements are not secrets, but a recording must not teach anyone to skip redacting them.
      secrets: scenario.softwareStatements.map((s) => s.statement),
      ...(o.onRecordError ? { onError: o.onRecordError } : {}),
    })
    : undefined;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Both ends of the exchange on the simulator's clock in whole milliseconds. The duration is real
    // time (floored) but no more than the clock moved meanwhile: moving the clock during a request does
    // not stretch it, and on a clock that only a test moves (between requests) a slow request does
    // not end after the next one starts. So a request sent after an answer never starts before it ended.
    const startedAt = recording ? clock.now() : 0;
    const t0 = recording ? performance.now() : 0;
    // The abort signal is made only when something waits on it (latency, hangs): most requests never do.
    let abort: AbortController | undefined;
    const signal = () => {
      if (!abort) {
        const controller = (abort = new AbortController());
        if (closing || req.socket.destroyed) controller.abort(new Error(closing ? 'simulator closing' : 'client went away'));
        inFlight.add(controller);
        res.on('close', () => {
          inFlight.delete(controller);
          if (!res.writableFinished) controller.abort(new Error('client went away'));
        });
      }
      return abort.signal;
    };
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = headerValue(v);
    const origin = `http://${req.headers.host ?? `${host}:${(server.address() as AddressInfo).port}`}`;
    let requestBody: string | undefined;
    const answer = async (reply: SimResponse) => {
      if (res.headersSent) return;
      await recording?.record({
        startedAt, durationMs: Math.max(0, Math.min(Math.floor(performance.now() - t0), clock.now() - startedAt)),
        request: { method: req.method ?? 'GET', url: `${origin}${req.url ?? '/'}`, headers: headerPairs(req.rawHeaders), ...(requestBody !== undefined ? { body: requestBody } : {}) },
        response: { status: reply.status, headers: reply.headers, ...(reply.body !== undefined ? { body: reply.body } : {}) },
        ...(req.socket.remoteAddress ? { clientAddress: req.socket.remoteAddress } : {}),
      });
      if (!res.headersSent) res.writeHead(reply.status, reply.headers).end(reply.body);
    };
    readBody(req, limit)
      .then(({ bytes, tooLarge }) => {
        if (tooLarge) {
          // Answered at once; the rest of the body is read and dropped behind the answer.
          req.resume();
          return { status: 413, headers: { 'Content-Type': 'text/plain;charset=UTF-8', Connection: 'close' }, body: `request body larger than ${limit} bytes\n` };
        }
        const body = bytes.length ? bytes.toString('utf8') : undefined;
        requestBody = body;
        return simulator.handle({
          method: req.method ?? 'GET', url: req.url ?? '/', headers, ...(body !== undefined ? { body } : {}),
          remoteAddress: req.socket.remoteAddress ?? '127.0.0.1', remotePort: req.socket.remotePort ?? 0,
          origin, get signal() { return signal(); },
        });
      })
      .then(answer)
      .catch(() => {
        // A request the client left (or the simulator stopped), mid-body or mid-answer, gets no answer,
        // so no recorded exchange.
        if (abort?.signal.aborted || req.readableAborted || res.destroyed) {
          res.destroy();
          return;
        }
        return answer({ status: 500, headers: { 'Content-Type': 'text/plain;charset=UTF-8', Connection: 'close' }, body: 'simulator failure\n' });
      })
      .catch(() => res.destroy());
  });
  // Bounded waits for slow clients: a request must arrive within 30 s.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  closeStalledWrites(server, sendTimeoutMs);
  let url: string;
  try {
    url = await listen(server, o.port ?? 4020, host);
  } catch (error) {
    await recording?.close();
    throw error;
  }
  return {
    url,
    simulator,
    ...(recording ? { recording } : {}),
    close: async () => {
      await new Promise<void>((resolve) => {
        closing = true;
        for (const a of inFlight) a.abort(new Error('simulator closing'));
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await recording?.close();
    },
  };
}
