// An optional logger hook: method, path, status and timing of each call — never headers or bodies.
import type { Middleware } from 'openapi-fetch';
import { systemClock, type Clock } from '../clock.ts';

export interface RequestLogEntry {
  method: string;
  /** The operation's path template, e.g. /api/v2/{serviceProvider}/logout/{mvpd}. */
  operation: string;
  /** The URL path sent (no query string: it can carry user data). */
  path: string;
  status?: number;
  durationMs: number;
  /** The error's name when the request failed without a response. */
  error?: string;
}

export type RequestLogger = (entry: RequestLogEntry) => void;

export function loggerMiddleware(log: RequestLogger, clock: Clock = systemClock): Middleware {
  const started = new Map<string, number>();
  const entry = (request: Request, schemaPath: string, id: string) => {
    const t0 = started.get(id) ?? clock.now();
    started.delete(id);
    return { method: request.method, operation: schemaPath, path: new URL(request.url).pathname, durationMs: clock.now() - t0 };
  };
  return {
    onRequest({ id }) {
      started.set(id, clock.now());
      return undefined;
    },
    onResponse({ request, response, schemaPath, id }) {
      log({ ...entry(request, schemaPath, id), status: response.status });
      return undefined;
    },
    onError({ request, error, schemaPath, id }) {
      log({ ...entry(request, schemaPath, id), error: error instanceof Error ? error.name : 'Error' });
      return undefined;
    },
  };
}
