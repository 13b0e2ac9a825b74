// What the check runs against: a target is an object behind one interface (the embedded mock, a
// remote host, the simulator), parsed once at the command-line edge.
import type { Case, CaseRequest } from './cases.ts';
import type { Exchange } from '../http/exchange.ts';
import { operationPrefix } from 'pass-contract-client';
import { safeUrl } from './redact.ts';
import type { CaseResult } from './results.ts';

import { UsageError } from './usage-error.ts';

export { UsageError };

export type TargetSpec =
  | { kind: 'mock' }
  /** A fresh simulator with the default scenario, started and stopped by the check. */
  | { kind: 'simulator' }
  | { kind: 'remote'; url: URL; /** The URL without `user:password@`, for reports and logs. */ label: string };

/** `mock`, `simulator` or an http(s) base URL; anything else is a usage error that says what was given. */
export function parseTarget(value: string | undefined): TargetSpec {
  if (value === undefined || value === 'mock') return { kind: 'mock' };
  if (value === 'simulator') return { kind: 'simulator' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--target must be "mock", "simulator" or an http(s) base URL, got "${safeUrl(value)}"`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new UsageError(`--target must be an http(s) URL, got "${safeUrl(value)}"`);
  // Each request appends its own path and query to the base: a query or fragment here broke every
  // URL (404s that read as drift) and went into the reports, where a token in it does not belong.
  if (url.search || url.hash) {
    throw new UsageError(`--target must be a base URL without a query or fragment (each request adds its own path and query), got "${safeUrl(`${url.origin}${url.pathname}`)}" with ${url.search ? 'a query' : ''}${url.search && url.hash ? ' and ' : ''}${url.hash ? 'a fragment' : ''}`);
  }
  baseUrlWithoutPrefix('--target', url);
  const label = new URL(url.href);
  label.username = '';
  label.password = '';
  return { kind: 'remote', url, label: label.href.replace(/\/$/, '') };
}

/**
 * What is wrong with a base URL that ends with /api/v2 or /o/client (copied from a call's URL): each
 * request adds it again, and every case was a 404 read as drift. Undefined when nothing is.
 */
export function operationPrefixProblem(what: string, url: URL): string | undefined {
  const prefix = operationPrefix(url.pathname);
  return prefix && `${what} ends with ${prefix}, which each request adds itself (/api/v2/… and /o/client/…): give the host's base URL, such as ${safeUrl(url.origin)}`;
}

/** Refuses, as a usage error, a base URL given as `option` that ends with /api/v2 or /o/client. */
export function baseUrlWithoutPrefix(option: string, url: URL): void {
  const problem = operationPrefixProblem(option, url);
  if (problem) throw new UsageError(problem);
}

export type Sent =
  | { request: CaseRequest; exchange: Exchange; attempts: number }
  | { request: CaseRequest; notChecked: string; attempts: number };

export interface OpenContext {
  signal: AbortSignal;
  /** Results the target produces itself (the DCR exchanges of a remote host), as they happen. */
  emit: (result: CaseResult) => void;
}

export interface Target {
  readonly mode: 'mock' | 'remote';
  /** For reports: never carries credentials. */
  readonly label: string;
  /** Starts the mock, or probes the host (a UsageError-like ConnectError when it is unreachable). */
  open(context: OpenContext): Promise<void>;
  /** The cases this target runs, and those it skips with the reason. */
  select(cases: Case[], includeStateChanging: boolean): { run: Case[]; skipped: { id: string; reason: string }[] };
  /** Sends one case: credentials, pacing and 429 handling are the target's business. Throws HttpFailure. */
  send(c: Case, signal: AbortSignal): Promise<Sent>;
  /** Stops what open() started (the embedded mock). */
  close(): Promise<void>;
}

/** The host did not accept a connection: nothing can be checked (exit code 2). */
export class ConnectError extends Error {
  override name = 'ConnectError';
}
