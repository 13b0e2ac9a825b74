// The authentication URL a user agent opens, and a server-side look at where it redirects —
// without following it (the redirect leads to the MVPD's login page, an HTML page for a person).
import { checkBaseUrl, isHttpUrl } from '../base-url.ts';
import { PassError } from '../errors.ts';
import type { TypedClient } from '../typed.ts';

/**
 * `GET /api/v2/authenticate/{serviceProvider}/{code}` on `baseUrl`: what the streaming device's
 * browser, or the second-screen web application, opens to sign the user in.
 */
export function authenticationUrl(baseUrl: string, serviceProvider: string, code: string): string {
  if (!serviceProvider || !code) throw new PassError('authenticationUrl: serviceProvider and code must be non-empty', { kind: 'protocol' });
  // The URL a browser opens: a password in the base would go with it, a query would swallow the path.
  checkBaseUrl('authenticationUrl', baseUrl);
  return `${baseUrl.replace(/\/+$/, '')}/api/v2/authenticate/${encodeURIComponent(serviceProvider)}/${encodeURIComponent(code)}`;
}

export interface PerformAuthenticationOptions {
  serviceProvider: string;
  code: string;
  /** The user agent the device's browser would send. */
  userAgent?: string;
  signal?: AbortSignal;
}

/**
 * Sends the authentication request once and returns the redirect Adobe answers with (`Location`,
 * made absolute by the client). It never follows it: the flow continues in the user's browser. A non-redirect answer
 * (Adobe's HTML error page for an unknown or expired code) fails with a PassError without its body.
 */
export async function performAuthentication(client: TypedClient, o: PerformAuthenticationOptions): Promise<{ status: number; location: string }> {
  const { response } = await client.GET('/api/v2/authenticate/{serviceProvider}/{code}', {
    params: { path: { serviceProvider: o.serviceProvider, code: o.code }, ...(o.userAgent ? { header: { 'User-Agent': o.userAgent } } : {}) },
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const operation = 'GET /api/v2/authenticate/{serviceProvider}/{code}';
  if (response.status < 300 || response.status >= 400) throw new PassError(`${operation}: HTTP ${response.status} instead of a redirect`, { kind: 'protocol', status: response.status, operation });
  const location = response.headers.get('Location');
  if (!location) throw new PassError(`${operation}: HTTP ${response.status} without a Location header`, { kind: 'protocol', status: response.status, operation });
  // The user's browser opens it: a `javascript:` or `data:` location would run there (named, not repeated).
  if (!isHttpUrl(location)) throw new PassError(`${operation}: HTTP ${response.status} with a Location that is not an http(s) URL`, { kind: 'protocol', status: response.status, operation });
  return { status: response.status, location };
}
