// Reads an incoming request's body within a size bound, for every server of ours (mock, simulator,
// proxy, the test fakes): one reader, so none of them buffers whatever a client chooses to send.
import type { IncomingMessage } from 'node:http';

export interface BodyRead {
  /** The whole body (empty when there is none); when `tooLarge`, what arrived before reading stopped. */
  bytes: Buffer;
  /**
   * More than `maxBytes` arrived, or Content-Length declared more (then nothing is read). Reading
   * stopped there and the request is left paused with the rest unread: the caller streams it on
   * (`pipeline(req, …)`, as the proxy does) or drops it (`discardBody`, or `req.resume()` when the
   * answer need not wait for the end).
   */
  tooLarge: boolean;
}

export interface ReadBodyOptions {
  /**
   * Stops the reading: the promise rejects with the signal's reason and the request is left paused
   * (the caller answers or destroys it). A server passes its close signal or a deadline here; a
   * client that stops sending mid-body is otherwise ended only by the server's `requestTimeout`.
   */
  signal?: AbortSignal;
}

/** The declared body length, when Content-Length is one plain number (Node refuses a malformed one before us). */
function declaredLength(req: IncomingMessage): number | undefined {
  const value = req.headers['content-length'];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Reads `req`'s body, keeping at most `maxBytes` (plus the chunk that went over, at most one socket
 * read). Rejects when the request fails or closes mid-body, or `signal` aborts; either way it leaves
 * no listener on `req` and keeps none of the bytes.
 */
export function readBody(req: IncomingMessage, maxBytes: number, options: ReadBodyOptions = {}): Promise<BodyRead> {
  return consume(req, maxBytes, true, options.signal);
}

/**
 * Reads and drops the rest of a request body, at most `maxBytes` of it (a client may stream one
 * without end). True at its end: the client has sent it all and can read the answer. False when more
 * came (or was declared): the request is left paused, and the answer should close the connection.
 */
export async function discardBody(req: IncomingMessage, maxBytes: number): Promise<boolean> {
  return !(await consume(req, maxBytes, false)).tooLarge;
}

/** The reading both share; `keep` false counts the bytes without keeping them. */
function consume(req: IncomingMessage, maxBytes: number, keep: boolean, signal?: AbortSignal): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (req.readableEnded) return resolve({ bytes: Buffer.alloc(0), tooLarge: false });
    if (req.destroyed || req.readableAborted) return reject(new Error('the request was closed before its body was read'));
    if ((declaredLength(req) ?? 0) > maxBytes) {
      req.pause();
      return resolve({ bytes: Buffer.alloc(0), tooLarge: true });
    }
    let chunks: Buffer[] = [];
    let size = 0;
    const detach = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    const done = (tooLarge: boolean) => {
      detach();
      resolve({ bytes: Buffer.concat(chunks), tooLarge });
    };
    const fail = (error: unknown) => {
      detach();
      chunks = [];
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      if (keep) chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        done(true);
      }
    };
    const onEnd = () => done(false);
    const onError = (error: Error) => fail(error);
    // Node emits 'error' before 'close' for a request cut short; this covers a close without one.
    const onClose = () => fail(new Error('the request closed before its body ended'));
    const onAbort = () => {
      req.pause();
      fail(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
    // A request an earlier read left paused flows again.
    req.resume();
  });
}
