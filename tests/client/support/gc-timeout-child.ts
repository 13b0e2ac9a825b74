// Child process (node --expose-gc): does a request timeout still fire when the garbage collector
// runs while the request hangs? Prints one JSON line: how our client's call and a call with
// AbortSignal.timeout() on a temporary Request ended.
import { createPassClient } from '../../../packages/client/src/index.ts';

const baseUrl = process.env.HANG_URL!;
const maybeGc = (globalThis as { gc?: () => void }).gc;
if (!maybeGc) throw new Error('run with --expose-gc');
const gc = maybeGc;

async function outcome(call: () => Promise<unknown>, giveUpMs: number): Promise<string> {
  const collector = setInterval(() => gc(), 5);
  const watchdog = new Promise<string>((resolve) => setTimeout(() => resolve(`still pending after ${giveUpMs} ms`), giveUpMs).unref());
  try {
    return await Promise.race([call().then(() => 'resolved', (e: Error) => e.name), watchdog]);
  } finally {
    clearInterval(collector);
  }
}

const pass = createPassClient({ baseUrl, timeoutMs: 300, tokens: { getAccessToken: async () => 'token', invalidate: async () => undefined } });
const ours = await outcome(() => pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF30' } } }), 4000);
const naive = await outcome(() => fetch(new Request(`${baseUrl}/api/v2/REF30/configuration`, { signal: AbortSignal.timeout(300) })), 1500);
console.log(JSON.stringify({ ours, naive }));
process.exit(0);
