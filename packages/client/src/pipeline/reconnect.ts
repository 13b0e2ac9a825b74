// Sends a request again, once, at once, when its connection closed under it without an answer.
// A front end (load balancer, CDN edge) that drops connections idle for less time than undici keeps
// them pooled (4 s), without announcing it (no `Keep-Alive: timeout=`), closes one just as the next
// request goes out on it: `other side closed`, a reset or a broken pipe, although the host is up.
// Asked again, on a new connection, it answers. Only for requests that may be repeated: HTTP lets a
// client send an idempotent request again (RFC 9110 §9.2.2), so API GETs; a DCR token request only
// gets another token. Not a POST that acts (a session, a decision, a registration: the host may have
// acted on it), and not a refused connection (nobody there: asking again at once changes nothing).
import { PassNetworkError } from '../errors.ts';
import type { Call, Layer } from './call.ts';

/** Node's codes for a connection that closed under the request: `other side closed`, a reset, a broken pipe. */
const DROPPED = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** Whether Node's error code says the connection closed under the request without an answer. */
export const isDroppedCode = (code: string | undefined): boolean => code !== undefined && DROPPED.has(code);

export const droppedConnection = (error: unknown): boolean => error instanceof PassNetworkError && isDroppedCode(error.causeCode);

export function resendDropped(repeatable: (call: Call) => boolean): Layer {
  return (next) => async (call) => {
    try {
      return await next(call);
    } catch (error) {
      if (!droppedConnection(error) || !repeatable(call) || call.signal?.aborted) throw error;
      call.reason = 'reconnect';
      return next(call);
    }
  };
}

/** API calls that may be repeated: GETs. */
export const isGet = (call: Call): boolean => call.method === 'GET';
