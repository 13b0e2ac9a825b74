// A client wired to a fake Adobe host, with its log entries collected, and the device headers tests use.
import { buildDeviceInfo, createPassClient, deviceHeaders, type LogEntry, type PassClientOptions } from '../../../packages/client/src/index.ts';
import type { Clock } from '../../../packages/client/src/clock.ts';
import { STATEMENT, type FakeAdobe } from './fake-adobe.ts';
import { SimClock } from './sim-clock.ts';

export const device = { primaryHardwareType: 'SetTopBox', model: 'AppleTV', version: '5,3', osName: 'tvOS', osVersion: '17.0', connectionType: 'WiFi' } as const;
export const deviceInfo = buildDeviceInfo(device);
export const header = deviceHeaders({ deviceId: 'ba23d141-d715-561c-94f4-e9e4c966b1eb', device, forwardedFor: '203.0.113.7' });
export const headerFor = (ip: string, id = ip) => deviceHeaders({ deviceId: id, device, forwardedFor: ip });

export function passFor(adobe: FakeAdobe, o: Partial<PassClientOptions> & { clock?: Clock } = {}) {
  // A SimClock unless the test runs in real time (then it does not move the clock by hand).
  const clock = (o.clock ?? adobe.clock) as SimClock;
  const entries: LogEntry[] = [];
  const pass = createPassClient({
    baseUrl: adobe.baseUrl,
    clock,
    ...(clock instanceof SimClock ? { fetch: clock.holding() } : {}),
    logger: (e) => entries.push(e),
    dcr: { softwareStatement: STATEMENT, deviceInfo },
    ...o,
  });
  return { pass, clock, entries };
}

export const logout = (pass: ReturnType<typeof passFor>['pass'], h: typeof header = header, signal?: AbortSignal) =>
  pass.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd: 'Cablevision' }, query: { redirectUrl: 'https://adobe.com' }, header: h }, ...(signal ? { signal } : {}) });

export const configuration = (pass: ReturnType<typeof passFor>['pass'], init: { cache?: RequestCache; signal?: AbortSignal } = {}) =>
  pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF30' }, header }, ...init });

/** Whatever `promise` rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** Everything an error exposes: message, stack, own properties, cause. */
export const exposed = (error: unknown) => {
  const e = error as Error & { cause?: unknown };
  return [e.message, e.stack, JSON.stringify(e), String(e.cause ?? '')].join('\n');
};
