// A base URL the client cannot use is refused when the client is built, in our words. Left to
// fetch, it fails at the first call with a TypeError that quotes the whole URL: a password in
// `https://user:password@host` would reach the error, and every log that prints it.

/**
 * Throws a TypeError, naming `owner` and never repeating the URL, when `baseUrl` does not parse
 * (relative ones, as openapi-fetch allows in a browser, are fine) or carries a user or password.
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
}
