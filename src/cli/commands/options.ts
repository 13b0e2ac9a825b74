// Option parsers shared by the commands (commander calls them; a bad value is a usage error).
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../contract/usage-error.ts';
import { MAX_TIMER_MS } from '../../http/option-bounds.ts';
import { oneLine } from '../../report/text.ts';

/**
 * The longest timer Node keeps, in whole seconds: a longer one fires after 1 ms, so
 * `--request-timeout 99999999999` timed every request out at once.
 */
export const MAX_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/**
 * A parser for an option given in seconds (`--timeout 90`, `--request-timeout 2.5`), in digits, from
 * 1 ms (timers count whole milliseconds), or 0 where `zero` says what it means; `name` goes in the
 * error. Turn it into milliseconds with `ms()`.
 */
export const seconds = (name: string, zero?: string) => (value: string): number => {
  const n = Number(value);
  if (zero && /^0+(\.0+)?$/.test(value)) return 0;
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number of seconds in digits (90, 2.5)${zero ? `, or 0 (${zero})` : ''}, got "${value}"`);
  if (n < 0.001) throw new InvalidArgumentError(`${name} must be at least 0.001 seconds (1 ms), got "${value}"`);
  if (n > MAX_SECONDS) throw new InvalidArgumentError(`${name} must be at most ${MAX_SECONDS} seconds (24.8 days, the longest timer Node keeps), got "${value}"`);
  return n;
};

/** Seconds as whole milliseconds: 0.0071 × 1000 is 7.1000000000000005, which messages then showed. */
export const ms = (secondsValue: number): number => Math.round(secondsValue * 1000);

/** A parser for a rate in requests per second, in digits, from one every 1000 s (a slower one paced for ever). */
export const requestsPerSecond = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n >= 0.001)) throw new InvalidArgumentError(`${name} must be a number of requests per second in digits, from 0.001 (one every 1000 s) up, got "${value}"`);
  return n;
};

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError(`expected a port number from 0 to 65535, got "${value}"`);
  return port;
}

export function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 1 || ms > 600_000) throw new InvalidArgumentError(`expected milliseconds from 1 to 600000, got "${value}"`);
  return ms;
}

/** The `--verbose` line of a request the mock or the simulator answered (one line whatever the client sent). */
export const requestLine = (e: { method: string; path: string; status: number; violation?: string }): string =>
  oneLine(`${e.method} ${e.path} → ${e.status}${e.violation ? ` (${e.violation})` : ''}`);

/**
 * Errors of what the user gave, by name: a description that does not load (missing file, bad YAML,
 * unreachable URL, not OpenAPI 3), a report directory that cannot hold the report, an address the
 * server cannot listen on, a recording path that cannot be written.
 */
const USAGE_ERRORS = new Set(['LoadError', 'FetchError', 'ReportDirError', 'ListenError', 'RecordingError']);

/** Answers a usage error (above) as one: exit 2 with the reason; rethrows anything else. */
export function asUsageError(error: unknown): never {
  const e = error as Error;
  if (USAGE_ERRORS.has(e.name)) throw new UsageError(e.message);
  throw error;
}
