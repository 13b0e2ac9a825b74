// Fetches a description (or a file it references) over HTTP(S) with a timeout, a size cap and bounded redirects:
// a redirect loop over the bounded exchange (src/http/exchange.ts), one deadline for the whole chain.
// We never send credentials, and a URL that carries some is refused, so no redirect can carry a secret away.
// A 429 or 503 (GitHub's raw files sit behind a CDN that answers both now and then) is asked again
// after its Retry-After or a short pause, at most 3 attempts, all within that deadline.
import { setTimeout as sleep } from 'node:timers/promises';
import { exchange, HttpFailure, retryAfterMs, type Exchange, type FetchLike } from '../http/exchange.ts';
import { fetchThroughEnvProxy } from '../http/proxy.ts';

export interface FetchLimits {
  /** Whole request, headers and body, in milliseconds. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: FetchLike;
  /** Cancels the download (e.g. Ctrl-C). */
  signal?: AbortSignal;
}

export const DEFAULT_LIMITS: FetchLimits = { timeoutMs: 15_000, maxBytes: 10 * 1024 * 1024, maxRedirects: 3 };

export class FetchError extends Error {
  override name = 'FetchError';
}

/** The URL as it may appear in messages: no user info, no query values, no fragment. */
export function displayUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Node's fetch through the environment's proxy (HTTPS_PROXY, NO_PROXY…), made on first use. */
let envFetch: FetchLike | undefined;

export const isHttpUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** A host's "come back later": too many requests, or unavailable for a moment (a CDN in front of raw files answers both). */
const TRY_LATER = new Set([429, 503]);
/** Attempts of one URL that got TRY_LATER answers, all within the one deadline. */
const MAX_ATTEMPTS = 3;

/** GETs `url` and returns the body as text, or throws a FetchError saying what went wrong and where. */
export async function fetchText(url: string, limits: FetchLimits = DEFAULT_LIMITS): Promise<string> {
  return (await fetchResource(url, limits)).text;
}

/** Like fetchText, also saying where the body came from after redirects (relative $refs resolve from there). */
export async function fetchResource(url: string, limits: FetchLimits = DEFAULT_LIMITS): Promise<{ text: string; url: string }> {
  const send: FetchLike = limits.fetch ?? (envFetch ??= fetchThroughEnvProxy());
  let current = new URL(url);
  if (current.username || current.password) {
    throw new FetchError(`${displayUrl(current)}: URLs with credentials are not supported (pass-contract never sends credentials)`);
  }
  // One deadline for the whole chain: each hop gets what is left of it.
  const deadline = performance.now() + limits.timeoutMs;
  // A GET whose pooled connection a front end dropped while it sat idle is sent again, once, as
  // the check and the client do (a daily job fetches a file, parses it, then fetches the next).
  let reconnected = false;
  let attempts = 1;
  for (let hop = 0; ; hop++) {
    if (current.protocol !== 'https:' && current.protocol !== 'http:') throw new FetchError(`${displayUrl(url)}: will not fetch a ${current.protocol} URL`);
    let response: Exchange;
    try {
      response = await exchange(send, current.href, { headers: { accept: 'application/json, application/yaml, text/yaml, */*;q=0.5' } }, {
        timeoutMs: Math.max(0, deadline - performance.now()), maxBytes: limits.maxBytes, ...(limits.signal ? { signal: limits.signal } : {}),
      });
    } catch (error) {
      if (!reconnected && error instanceof HttpFailure && error.dropped) {
        reconnected = true;
        hop--;
        continue;
      }
      throw fetchError(error, url, current, limits);
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      if (hop >= limits.maxRedirects) throw new FetchError(`${displayUrl(url)}: more than ${limits.maxRedirects} redirects`);
      const next = URL.parse(location, current);
      // The Location is the server's text: named, not repeated.
      if (!next) throw new FetchError(`${displayUrl(current)}: HTTP ${response.status} redirects to a Location that is not a URL`);
      if (next.username || next.password) throw new FetchError(`${displayUrl(current)}: redirected to a URL with credentials; refused`);
      current = next;
      continue;
    }
    // Asked to come back later: again after Retry-After (or 0.5 s, then 1 s), if that is within the deadline.
    if (TRY_LATER.has(response.status) && attempts < MAX_ATTEMPTS) {
      const asked = response.headers.has('retry-after') ? retryAfterMs(response.headers, Date.now()) : undefined;
      const wait = asked ?? 500 * 2 ** (attempts - 1);
      if (wait > deadline - performance.now()) {
        throw new FetchError(`${displayUrl(current)}: HTTP ${response.status}${asked !== undefined ? `; Retry-After asks for ${Math.ceil(asked / 1000)} s, past the ${limits.timeoutMs} ms deadline` : ''}`);
      }
      try {
        await sleep(wait, undefined, limits.signal ? { signal: limits.signal } : {});
      } catch {
        throw new FetchError(`${displayUrl(url)}: cancelled`);
      }
      attempts++;
      hop--;
      continue;
    }
    if (response.status < 200 || response.status > 299) throw new FetchError(`${displayUrl(current)}: HTTP ${response.status}${attempts > 1 ? ` (${attempts} attempts)` : ''}`);
    return { text: response.body, url: current.href };
  }
}

/** The exchange's failure in this tool's words: the deadline and cancelling name the URL asked for, the rest the hop that failed. */
function fetchError(error: unknown, url: string, current: URL, limits: FetchLimits): FetchError {
  if (!(error instanceof HttpFailure)) return new FetchError(`${displayUrl(current)}: ${(error as Error).message}`);
  switch (error.kind) {
    case 'timeout':
      return new FetchError(`${displayUrl(url)}: no complete answer within ${limits.timeoutMs} ms`);
    case 'aborted':
      return new FetchError(`${displayUrl(url)}: cancelled`);
    case 'too-large':
      return new FetchError(`${displayUrl(current)}: ${error.declaredBytes !== undefined ? `${error.declaredBytes} bytes` : 'body'} is over the ${limits.maxBytes}-byte limit`);
    case 'connection':
      return new FetchError(`${displayUrl(current)}: ${error.message}`);
  }
}
