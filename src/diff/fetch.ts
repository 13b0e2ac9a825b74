// Fetches a description (or a file it references) over HTTP(S) with a timeout, a size cap and bounded redirects.
// We never send credentials, and a URL that carries some is refused, so no redirect can carry a secret away.

export interface FetchLimits {
  /** Whole request, headers and body, in milliseconds. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
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

export const isHttpUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** GETs `url` and returns the body as text, or throws a FetchError saying what went wrong and where. */
export async function fetchText(url: string, limits: FetchLimits = DEFAULT_LIMITS): Promise<string> {
  return (await fetchResource(url, limits)).text;
}

/** Like fetchText, also saying where the body came from after redirects (relative $refs resolve from there). */
export async function fetchResource(url: string, limits: FetchLimits = DEFAULT_LIMITS): Promise<{ text: string; url: string }> {
  const doFetch = limits.fetch ?? fetch;
  let current = new URL(url);
  if (current.username || current.password) {
    throw new FetchError(`${displayUrl(current)}: URLs with credentials are not supported (pass-contract never sends credentials)`);
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort(new FetchError(`${displayUrl(url)}: cancelled`));
  limits.signal?.addEventListener('abort', onAbort, { once: true });
  // One timer for the whole exchange (redirects, headers and body), kept referenced until we are done.
  const timer = setTimeout(() => controller.abort(new FetchError(`${displayUrl(url)}: no complete answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
  try {
    for (let hop = 0; ; hop++) {
      if (current.protocol !== 'https:' && current.protocol !== 'http:') throw new FetchError(`${displayUrl(url)}: will not fetch a ${current.protocol} URL`);
      const response = await doFetch(current, { redirect: 'manual', signal: controller.signal, headers: { accept: 'application/json, application/yaml, text/yaml, */*;q=0.5' } })
        .catch((error: unknown) => {
          throw controller.signal.reason instanceof FetchError ? controller.signal.reason : new FetchError(`${displayUrl(current)}: ${(error as Error).message}`);
        });
      if (response.status >= 300 && response.status < 400 && response.headers.get('location')) {
        await response.body?.cancel();
        if (hop >= limits.maxRedirects) throw new FetchError(`${displayUrl(url)}: more than ${limits.maxRedirects} redirects`);
        const next = new URL(response.headers.get('location')!, current);
        if (next.username || next.password) throw new FetchError(`${displayUrl(current)}: redirected to a URL with credentials; refused`);
        current = next;
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new FetchError(`${displayUrl(current)}: HTTP ${response.status}`);
      }
      const declared = Number(response.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > limits.maxBytes) {
        await response.body?.cancel();
        throw new FetchError(`${displayUrl(current)}: ${declared} bytes is over the ${limits.maxBytes}-byte limit`);
      }
      return { text: await readCapped(response, limits.maxBytes, displayUrl(current), controller.signal), url: current.href };
    }
  } finally {
    clearTimeout(timer);
    limits.signal?.removeEventListener('abort', onAbort);
  }
}

async function readCapped(response: Response, maxBytes: number, where: string, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read().catch((error: unknown) => {
        throw signal.reason instanceof FetchError ? signal.reason : new FetchError(`${where}: ${(error as Error).message}`);
      });
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new FetchError(`${where}: body is over the ${maxBytes}-byte limit`);
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}
