// The README's server-to-server example: register → token → configuration → session → poll →
// authorize → logout, for one streaming device whose requests a programmer service relays.
import { buildDeviceInfo, createPassClient, deviceHeaders, interpretLogout, pollProfileByCode, retrieveDecisions } from 'pass-contract-client';

export async function serverToServer(baseUrl: string, softwareStatement: string) {
  // The device the user holds; its IP goes in X-Forwarded-For because this server calls for it.
  const device = { primaryHardwareType: 'SetTopBox', model: 'AppleTV', version: '5,3', osName: 'tvOS', osVersion: '17.0', connectionType: 'WiFi' } as const;
  const header = deviceHeaders({ deviceId: 'ba23d141-d715-561c-94f4-e9e4c966b1eb', device, forwardedFor: '203.0.113.7' });
  const pass = createPassClient({
    baseUrl,
    dcr: { softwareStatement, deviceInfo: buildDeviceInfo(device) },
    // Every attempt, wait and failure reaches the logger with a reason; this one prints the attempts.
    logger: (e) => e.event === 'attempt' && console.log(`${e.method} ${e.path} → ${e.status ?? e.error} in ${e.durationMs} ms (${e.reason})`),
  });
  const serviceProvider = 'REF30';

  // Configuration: the MVPDs the user can pick (cache it; it changes rarely).
  const { data: configuration } = await pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider }, header } });
  const mvpd = configuration!.requestor.mvpds[0]!.id;

  // Authentication: create a session, show its code, let the user sign in on a second screen.
  const { data: session } = await pass.POST('/api/v2/{serviceProvider}/sessions', {
    params: { path: { serviceProvider }, header },
    body: { mvpd, domainName: 'adobe.com', redirectUrl: 'https://adobe.com' },
  });
  if (session?.actionName !== 'authenticate' || !session.code) throw new Error(`unexpected session action ${session?.actionName}`);
  // The poll's page takes no device headers, but Adobe's throttle counts it against X-Forwarded-For.
  const polled = await pollProfileByCode(pass, { serviceProvider, code: session.code, notAfter: Number(session.notAfter), headers: { 'X-Forwarded-For': header['X-Forwarded-For'] } });
  if (polled.status !== 'authenticated') throw new Error(`no profile: ${polled.status}`);

  // Authorization: one resource per request; a permit carries the media token.
  const { decisions } = await retrieveDecisions(pass, { kind: 'authorize', serviceProvider, mvpd: polled.mvpd, resources: ['REF30'], headers: header });
  const decision = decisions.REF30;

  // Logout: follow what Adobe asks the device to do.
  const { data: logout } = await pass.GET('/api/v2/{serviceProvider}/logout/{mvpd}', {
    params: { path: { serviceProvider, mvpd: polled.mvpd }, query: { redirectUrl: 'https://adobe.com' }, header },
  });
  const steps = interpretLogout(logout!, baseUrl);

  return { mvpd: polled.mvpd, authorized: decision?.authorized, token: decision?.token?.serializedToken, steps };
}
