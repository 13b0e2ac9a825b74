// The tools' own requests to a real host (`check --target <url>`, `diff`, `upstream`) go through
// the proxy the environment names, as curl, npm and git do: HTTPS_PROXY / HTTP_PROXY (lower case
// first) and NO_PROXY, read by proxy-from-env (the reading axios uses); undici's ProxyAgent tunnels
// through it (CONNECT), with a `user:password@` of the proxy URL as Proxy-Authorization. Node 20's
// fetch reads none of these: a CI runner that must go through a proxy reached nothing.
// The embedded mock and simulator are on this machine and never go through a proxy.
import proxyFromEnv from 'proxy-from-env';
import type { Dispatcher } from 'undici';
import type { FetchLike } from './exchange.ts';

/** The proxy the environment names for `url`, or undefined (none set, NO_PROXY lists it, or not a URL). */
export function proxyFor(url: string | URL): URL | undefined {
  const proxy = proxyFromEnv.getProxyForUrl(String(url));
  if (!proxy) return undefined;
  // A proxy given without a scheme (`proxy.corp:3128`) is an http proxy, as curl takes it.
  return URL.parse(/^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`) ?? undefined;
}

/**
 * What of a proxy URL is secret: its password (as written and decoded) and the Proxy-Authorization
 * credentials undici builds from it (base64 of `user:password`), which a proxy could echo back.
 */
export function proxySecrets(proxy: URL): string[] {
  if (!proxy.password) return [];
  return [proxy.password, decode(proxy.password), basicCredentials(proxy)];
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** base64 of `user:password`, as undici and curl send them. */
const basicCredentials = (proxy: URL) => Buffer.from(`${decode(proxy.username)}:${decode(proxy.password)}`).toString('base64');

/** The Proxy-Authorization a proxy URL's `user:password@` stands for, or undefined without one. */
export const proxyAuthorization = (proxy: URL): string | undefined => (proxy.username || proxy.password ? `Basic ${basicCredentials(proxy)}` : undefined);

/** Where a URL connects to: host (without an IPv6 address's brackets) and port. For messages too: a URL may carry a password. */
export const endpoint = (url: URL): { host: string; port: number } => ({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80) });

/**
 * Node's fetch, through the environment's proxy for each request that has one. undici is loaded on
 * the first proxied request only; one agent per proxy URL.
 */
export function fetchThroughEnvProxy(): FetchLike {
  const agents = new Map<string, Promise<Dispatcher>>();
  const agentFor = (proxy: URL) => {
    let agent = agents.get(proxy.href);
    if (!agent) {
      agent = import('undici').then(({ ProxyAgent }) => new ProxyAgent({ uri: proxy.href }));
      agents.set(proxy.href, agent);
    }
    return agent;
  };
  return async (request) => {
    const proxy = proxyFor(request.url);
    if (!proxy) return globalThis.fetch(request);
    // Node's fetch takes an undici dispatcher: the npm package's 7.x, which Node 20's to 26's fetch
    // (undici 6, 7 and 8) all accept; Node 26's refused one of undici 6 (UND_ERR_INVALID_ARG).
    return globalThis.fetch(request, { dispatcher: await agentFor(proxy) } as RequestInit);
  };
}
