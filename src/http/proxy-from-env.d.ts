// proxy-from-env 1.1.0 ships no types: its one function.
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from *_PROXY and NO_PROXY, or '' for none. */
  export function getProxyForUrl(url: string): string;
  const proxyFromEnv: { getProxyForUrl: typeof getProxyForUrl };
  export default proxyFromEnv;
}
