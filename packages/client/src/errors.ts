// Reading Adobe's enhanced errors (and DCR's OAuth errors) out of responses.
import type { components } from '../generated/schema.d.ts';

export type EnhancedError = components['schemas']['EnhancedError'];
export type ErrorAction = components['schemas']['ErrorAction'];

export function isEnhancedError(value: unknown): value is EnhancedError {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.action === 'string' && typeof v.status === 'number';
}

/** The enhanced error in a response body, without consuming the response. */
export async function readEnhancedError(response: Response): Promise<EnhancedError | undefined> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) return undefined;
  try {
    const body: unknown = await response.clone().json();
    return isEnhancedError(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/** Thrown by the client's own calls (DCR, flows); carries status and Adobe's code, never secrets. */
export class PassError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'PassError';
  }
}
