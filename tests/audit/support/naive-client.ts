// A deliberately naive programmer service, the kind Adobe's review catches: one set of device headers
// on every call (DCR and the poll by code included), a new access token for every call, polling every
// second, and every failed call sent again at once until it works (429s included). It runs the README
// example's server-to-server flow; its network and its waits are injected, so a test can run it on
// the simulator's virtual clock.

export interface NaiveOptions {
  baseUrl: string;
  softwareStatement: string;
  /** Every request goes through it (a test's version moves the clock by a round trip). */
  fetch: typeof fetch;
  /** Waiting between polls. */
  sleep: (ms: number) => Promise<void>;
  /** The app shows the code on screen; the user signs in with it elsewhere. */
  showCode: (code: string) => void;
}

/** Only so a broken simulator cannot hang the test: the naive client itself has no bound. */
export const SAFETY_CAP = 20;

export async function naiveClient(o: NaiveOptions): Promise<{ authorized: boolean; attempts: number }> {
  const deviceInfo = Buffer.from(JSON.stringify({ primaryHardwareType: 'SetTopBox', model: 'AppleTV', version: '5,3', osName: 'tvOS', osVersion: '17.0', connectionType: 'WiFi' })).toString('base64');
  const device = { 'AP-Device-Identifier': 'fingerprint bmFpdmUtZGV2aWNl', 'X-Device-Info': deviceInfo, 'X-Forwarded-For': '198.51.100.23', Accept: 'application/json' };
  let attempts = 0;
  const send = (path: string, init: RequestInit = {}) => {
    attempts++;
    return o.fetch(`${o.baseUrl}${path}`, { ...init, headers: { ...device, ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(5000) });
  };

  const registered = await (await send('/o/client/register', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ software_statement: o.softwareStatement }) })).json() as { client_id: string; client_secret: string };
  // No cache: every call starts with a token request.
  const token = async () => {
    const body = new URLSearchParams({ client_id: registered.client_id, client_secret: registered.client_secret, grant_type: 'client_credentials' });
    const r = await send('/o/client/token', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    return r.ok ? ((await r.json()) as { access_token: string }).access_token : 'none';
  };
  // No bound, no backoff, no look at `action`, Retry-After or 429: again until it works.
  const call = async (path: string, init: RequestInit = {}, works = (r: Response, body: unknown) => r.ok && body !== undefined) => {
    for (let attempt = 1; ; attempt++) {
      const r = await send(path, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${await token()}` } });
      const body = await r.json().catch(() => undefined);
      if (works(r, body) || attempt >= SAFETY_CAP) return body as Record<string, never> | undefined;
    }
  };

  const config = await call('/api/v2/REF30/configuration') as { requestor: { mvpds: { id: string }[] } } | undefined;
  const mvpd = config?.requestor.mvpds[0]?.id ?? 'Cablevision';
  const session = await call('/api/v2/REF30/sessions', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ mvpd, domainName: 'adobe.com', redirectUrl: 'https://adobe.com' }) }) as { code: string } | undefined;
  if (!session?.code) return { authorized: false, attempts };
  o.showCode(session.code);
  // Every second until a profile shows up.
  let profiles: Record<string, unknown> = {};
  for (let i = 0; i < SAFETY_CAP && Object.keys(profiles).length === 0; i++) {
    if (i > 0) await o.sleep(1000);
    profiles = ((await call(`/api/v2/REF30/profiles/code/${session.code}`)) as { profiles?: Record<string, unknown> } | undefined)?.profiles ?? {};
  }
  // "Works" means permitted: a partner timeout (an item-level error) is just sent again.
  const permitted = (r: Response, body: unknown) => r.ok && Boolean((body as { decisions?: { authorized: boolean }[] } | undefined)?.decisions?.every((d) => d.authorized));
  const decision = await call(`/api/v2/REF30/decisions/authorize/${mvpd}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resources: ['REF30'] }) }, permitted) as { decisions?: { authorized: boolean }[] } | undefined;
  await call(`/api/v2/REF30/logout/${mvpd}?redirectUrl=${encodeURIComponent('https://adobe.com')}`);
  return { authorized: Boolean(decision?.decisions?.[0]?.authorized), attempts };
}
