// A base URL the client cannot use is refused when the client is built, in our words. Left to
// fetch, it fails at the first call with a TypeError that quotes the whole URL: a password in
// `https://user:password@host` would reach the error, and every log that prints it.

/**
 * Throws a TypeError, naming `owner` and never repeating the URL, when `baseUrl` does not parse
 * (relative ones, as openapi-fetch allows in a browser, are fine), carries a user or password, or a
 * query or fragment.
 */
export function checkBaseUrl(owner: string, baseUrl: string | undefined): void {
  if (baseUrl === undefined) return;
  let url: URL;
  try {
    url = new URL(baseUrl, 'http://relative.invalid');
  } catch {
    throw new TypeError(`${owner}: baseUrl is not a URL`);
  }
  if (url.username || url.password) {
    throw new TypeError(`${owner}: baseUrl must not carry a user or password (user:password@host): fetch refuses such URLs, and the client authenticates with DCR tokens`);
  }
  // Each call appends its path to the base as text: `https://host/?x=1` gave `https://host/?x=1/api/v2/…`.
  if (url.search || url.hash) throw new TypeError(`${owner}: baseUrl must not carry a query or fragment: each call adds its own path and query`);
  const prefix = operationPrefix(url.pathname);
  if (prefix) throw new TypeError(`${owner}: baseUrl ends with ${prefix}, which each call adds itself (/api/v2/… and /o/client/…): pass the host's base URL, such as https://sp.auth.adobe.com`);
}

/**
 * `/api/v2` or `/o/client` when a base URL's path ends with it (a slash after it too): the start
 * of every operation's path, which a base URL copied from a call's URL keeps. Every call then went
 * to `/api/v2/api/v2/…`, and Adobe answered 404.
 */
export function operationPrefix(pathname: string): string | undefined {
  return /(\/api\/v2|\/o\/client)\/?$/i.exec(pathname)?.[1]?.toLowerCase();
}

/**
 * `url` is an http(s) URL (a relative one counts: it resolves against `base`, an https placeholder
 * unless given). For URLs a user agent opens, where `javascript:` or `data:` would run.
 */
export function isHttpUrl(url: string, base = 'https://relative.invalid'): boolean {
  try {
    const { protocol } = new URL(url, base);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
