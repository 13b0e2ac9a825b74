// A deliberately naive programmer service, the kind Adobe's review catches: a new access token for
// every call, polling every second, and retrying failed calls until they succeed (429s included).
// It runs the same server-to-server flow as the README example, on a virtual clock.

export interface VirtualClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  elapsed(ms: number): void;
}

export function virtualClock(start: number): VirtualClock {
  let t = start;
  return {
    now: () => t,
    sleep: async (ms) => void (t += ms),
    elapsed: (ms) => void (t += ms),
  };
}

/** Gives up only so a broken stand-in cannot hang the test; the naive client itself has no bound. */
const SAFETY_CAP = 50;

export async function naiveClient(baseUrl: string, clock: VirtualClock, softwareStatement: string) {
  const deviceInfo = Buffer.from(JSON.stringify({ primaryHardwareType: 'SetTopBox', model: 'AppleTV', osName: 'tvOS' })).toString('base64');
  const device = { 'AP-Device-Identifier': 'fingerprint bmFpdmUtZGV2aWNl', 'X-Device-Info': deviceInfo, 'X-Forwarded-For': '198.51.100.23', Accept: 'application/json' };
  const send = (path: string, init: RequestInit = {}) => fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(5000) });

  const registered = await (await send('/o/client/register', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Info': deviceInfo }, body: JSON.stringify({ software_statement: softwareStatement }) })).json() as { client_id: string; client_secret: string };
  // No cache: every call starts with a token request.
  const token = async () => {
    const body = new URLSearchParams({ client_id: registered.client_id, client_secret: registered.client_secret, grant_type: 'client_credentials' });
    const r = await send('/o/client/token', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Device-Info': deviceInfo }, body });
    return r.ok ? ((await r.json()) as { access_token: string }).access_token : 'none';
  };
  // No bound, no backoff, no look at `action` or 429: again until it works.
  const call = async (path: string, init: RequestInit = {}) => {
    for (let attempt = 1; ; attempt++) {
      const r = await send(path, { ...init, headers: { ...device, ...(init.headers as Record<string, string>), Authorization: `Bearer ${await token()}` } });
      if (r.ok || attempt >= SAFETY_CAP) return r;
    }
  };

  const config = await (await call('/api/v2/REF30/configuration')).json() as { requestor: { mvpds: { id: string }[] } };
  const mvpd = config.requestor.mvpds[0]!.id;
  const session = await (await call('/api/v2/REF30/sessions', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ mvpd, domainName: 'adobe.com', redirectUrl: 'https://adobe.com' }) })).json() as { code: string };
  // Every second until a profile shows up.
  let profiles: Record<string, unknown> = {};
  for (let i = 0; i < SAFETY_CAP && Object.keys(profiles).length === 0; i++) {
    if (i > 0) await clock.sleep(1000);
    profiles = ((await (await call(`/api/v2/REF30/profiles/code/${session.code}`)).json()) as { profiles: Record<string, unknown> }).profiles;
  }
  const decision = await call(`/api/v2/REF30/decisions/authorize/${mvpd}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resources: ['REF30'] }) });
  await call(`/api/v2/REF30/logout/${mvpd}?redirectUrl=${encodeURIComponent('https://adobe.com')}`);
  return { authorized: decision.ok };
}
