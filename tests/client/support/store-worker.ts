// Child process for the shared-store tests: one programmer-service process using a FileTokenStore
// that other processes share. Prints `ready`, then one JSON line with what it got.
//   MODE=token  get an access token (registering / renewing only if the store has none fresh)
//   MODE=call   make one REST call (may meet a 401 that asks to register again)
//   MODE=renew  get a token, then report it refused (forces a locked renewal)
// PAUSE_BEFORE_RENAME_MS widens the window between writing the temp file and renaming it, so a
// kill -9 lands there often.
import { createPassClient, DcrTokenManager } from '../../../packages/client/src/index.ts';
import { FileTokenStore } from '../../../packages/client/src/node/file-store.ts';

const { BASE_URL, STORE, MODE, STATEMENT, DEVICE_INFO, PAUSE_BEFORE_RENAME_MS } = process.env as Record<string, string>;
const pause = Number(PAUSE_BEFORE_RENAME_MS ?? 0);
const store = new FileTokenStore(STORE!, { ...(pause ? { beforeRename: () => new Promise<void>((r) => setTimeout(r, pause)) } : {}), staleMs: 5000 });
const dcr = { softwareStatement: STATEMENT!, deviceInfo: DEVICE_INFO!, store };
// Tells the parent the work starts now (so its kill -9 can land in the work, not in start-up).
console.log('ready');

if (MODE === 'call') {
  const pass = createPassClient({ baseUrl: BASE_URL!, dcr });
  const { response } = await pass.GET('/api/v2/{serviceProvider}/logout/{mvpd}', {
    params: { path: { serviceProvider: 'REF30', mvpd: 'Cablevision' }, query: { redirectUrl: 'https://adobe.com' }, header: { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': DEVICE_INFO!, 'X-Forwarded-For': `198.51.100.${process.pid % 250}` } },
  });
  console.log(JSON.stringify({ status: response.status, token: await pass.tokens.getAccessToken() }));
} else {
  const manager = new DcrTokenManager({ baseUrl: BASE_URL!, ...dcr });
  let token = await manager.getAccessToken();
  if (MODE === 'renew') {
    await manager.invalidate(token);
    token = await manager.getAccessToken();
  }
  console.log(JSON.stringify({ token }));
}
process.exit(0);
