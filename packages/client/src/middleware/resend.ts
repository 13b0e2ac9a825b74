// Keeps a replayable copy of each outgoing request so a middleware can send it again.
import type { MiddlewareCallbackParams } from 'openapi-fetch';

/** Called before any re-sent request goes out (e.g. the throttle's gate). */
export type BeforeSend = (request: Request) => Promise<void>;

export class RequestMemory {
  private readonly copies = new Map<string, Request>();

  remember(id: string, request: Request): void {
    // Bodies are streams that fetch consumes: keep a clone taken before sending. A request
    // without a body can be sent again as it is (resend copies it).
    this.copies.set(id, request.body ? request.clone() : request);
  }

  forget(id: string): Request | undefined {
    const copy = this.copies.get(id);
    this.copies.delete(id);
    return copy;
  }
}

/** Sends `request` again through the client's own fetch, after the gate. */
export async function resend(request: Request, options: MiddlewareCallbackParams['options'], beforeSend?: BeforeSend): Promise<Response> {
  await beforeSend?.(request);
  return options.fetch(request.body ? request.clone() : new Request(request));
}
