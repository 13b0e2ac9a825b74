// The configuration is fetched once per TTL (Adobe's checklist: keep it 3-5 minutes), with a
// per-call opt-out.
import { afterEach, describe, expect, it } from 'vitest';
import { buildDeviceInfo, createPassClient, type DeviceInfo } from '../../../packages/client/src/index.ts';
import { SP, startTestSimulator } from '../../simulator/support.ts';
import { enhanced, startFakeAdobe, type FakeAdobe } from '../support/fake-adobe.ts';
import { configuration, deviceInfo, headerFor, passFor, rejection } from '../support/pass.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());

describe('configuration cache, per device platform', () => {
  // The simulator answers as Adobe does: `device` and `os` from the X-Device-Info that asked, and
  // Apple's single sign-on settings per MVPD for the platform.
  const info = (primaryHardwareType: DeviceInfo['primaryHardwareType'], osName: DeviceInfo['osName'], model: string) => buildDeviceInfo({ primaryHardwareType, model, version: '1', osName, osVersion: '17.0', connectionType: 'WiFi' });
  const appleTv = info('SetTopBox', 'tvOS', 'AppleTV');
  const phone = info('MobilePhone', 'Android', 'Pixel');

  it('keeps one answer per X-Device-Info and User-Agent: an Android phone never gets the Apple TV answer', async () => {
    let asked = 0;
    const sim = await startTestSimulator({ onRequest: (e) => void (e.operationId === 'retrieveConfiguration' && asked++) });
    try {
      const pass = createPassClient({ baseUrl: sim.url, dcr: { softwareStatement: sim.scenario.softwareStatements[0]!.statement, deviceInfo: appleTv } });
      const ask = async (deviceInfo: string, userAgent?: string) => {
        const header = { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': deviceInfo, ...(userAgent ? { 'User-Agent': userAgent } : {}) };
        const { data } = await pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: SP }, header } });
        return [data?.device, data?.os];
      };
      expect(await ask(appleTv)).toEqual(['SetTopBox', 'tvOS']);
      expect(await ask(phone)).toEqual(['MobilePhone', 'Android']);
      expect(asked).toBe(2);
      // Each platform's answer is kept: asking again sends nothing.
      expect(await ask(appleTv)).toEqual(['SetTopBox', 'tvOS']);
      expect(await ask(phone)).toEqual(['MobilePhone', 'Android']);
      expect(asked).toBe(2);
      // Another User-Agent (Adobe's other source for the platform) is asked about on its own.
      await ask(phone, 'Mozilla/5.0 (Linux; Android 14)');
      expect(asked).toBe(3);
    } finally {
      await sim.close();
    }
  });
});

describe('configuration cache', () => {
  it('answers from memory for 5 minutes, then asks Adobe again', async () => {
    adobe = await startFakeAdobe();
    const { pass, clock, entries } = passFor(adobe);
    const first = await configuration(pass);
    const second = await configuration(pass);
    expect(second.data).toEqual(first.data);
    expect(adobe.count('configuration')).toBe(1);
    expect(entries.filter((e) => e.event === 'cache-hit')).toHaveLength(1);
    clock.advance(5 * 60_000 - 1);
    await configuration(pass);
    expect(adobe.count('configuration')).toBe(1);
    clock.advance(1);
    await configuration(pass);
    expect(adobe.count('configuration')).toBe(2);
  });

  it("skips the cache for a call with cache: 'no-store', and refreshes it with 'reload'", async () => {
    adobe = await startFakeAdobe({ overrides: { configuration: (_, n) => ({ json: { requestor: { id: 'REF30', mvpds: [{ id: `mvpd-${n}`, displayName: 'x' }] } } }) } });
    const { pass } = passFor(adobe);
    const ids = async (cache?: RequestCache) => (await configuration(pass, cache ? { cache } : {})).data?.requestor.mvpds.map((m) => m.id);
    expect(await ids()).toEqual(['mvpd-1']);
    expect(await ids('no-store')).toEqual(['mvpd-2']);
    expect(await ids()).toEqual(['mvpd-1']);
    expect(await ids('reload')).toEqual(['mvpd-3']);
    expect(await ids()).toEqual(['mvpd-3']);
  });

  it('keeps no error answers and honours a configured TTL, or none at all', async () => {
    adobe = await startFakeAdobe({ overrides: { configuration: (_, n) => (n === 1 ? { status: 500, json: { action: 'none', status: 500, code: 'internal_server_error', message: 'm', helpUrl: 'https://x' } } : undefined) } });
    const { pass, clock } = passFor(adobe, { cache: { configuration: { ttlMs: 1000 } } });
    await configuration(pass);
    await configuration(pass);
    await configuration(pass);
    expect(adobe.count('configuration')).toBe(2);
    clock.advance(1000);
    await configuration(pass);
    expect(adobe.count('configuration')).toBe(3);
    const { pass: uncached } = passFor(adobe, { cache: false });
    await configuration(uncached);
    await configuration(uncached);
    expect(adobe.count('configuration')).toBe(5);
  });
});

describe('configuration cache under concurrent misses', () => {
  // A service starting up, or every device of a platform asking as the answer runs out: calls that
  // miss together while Adobe is still answering the first of them.
  const DEVICES = 40;
  const held = () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    return { gate, release };
  };
  /** Resolves once the host has seen `n` configuration requests, then lets the calls still on their way settle. */
  const arrived = async (n: number) => {
    const deadline = Date.now() + 5000;
    while (adobe.count('configuration') < n) {
      if (Date.now() > deadline) throw new Error(`the host saw ${adobe.count('configuration')} configuration requests, expected ${n}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 50));
  };
  const ask = (pass: ReturnType<typeof passFor>['pass'], i: number, init: { cache?: RequestCache; signal?: AbortSignal } = {}) =>
    pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF30' }, header: headerFor(`198.51.100.${i + 1}`) }, ...init });

  it('sends one request for every device of a platform that asks while it is on its way, and hands each its own answer', async () => {
    const { gate, release } = held();
    adobe = await startFakeAdobe({ overrides: { configuration: async (_, n) => (await gate, { json: { requestor: { id: 'REF30', mvpds: [{ id: `mvpd-${n}`, displayName: 'x' }] } } }) } });
    const { pass, entries } = passFor(adobe);
    const calls = Array.from({ length: DEVICES }, (_, i) => ask(pass, i));
    await arrived(1);
    release();
    const answers = await Promise.all(calls);
    expect(adobe.count('configuration')).toBe(1);
    expect(answers.map((a) => a.response.status)).toEqual(Array(DEVICES).fill(200));
    expect(new Set(answers.map((a) => a.data?.requestor.mvpds[0]?.id))).toEqual(new Set(['mvpd-1']));
    // Each caller read a body of its own; the answer is kept like any other.
    expect(entries.filter((e) => e.event === 'cache-hit')).toHaveLength(DEVICES - 1);
    await ask(pass, 0);
    expect(adobe.count('configuration')).toBe(1);
  });

  it('shares only within a platform: one request per X-Device-Info', async () => {
    const { gate, release } = held();
    adobe = await startFakeAdobe({ overrides: { configuration: async () => (await gate, undefined) } });
    const { pass } = passFor(adobe);
    const platforms = [deviceInfo, buildDeviceInfo({ primaryHardwareType: 'MobilePhone', model: 'Pixel', version: '1', osName: 'Android', osVersion: '14', connectionType: 'WiFi' })];
    const calls = Array.from({ length: DEVICES }, (_, i) =>
      pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF30' }, header: { ...headerFor(`198.51.100.${i + 1}`), 'X-Device-Info': platforms[i % 2]! } } }));
    await arrived(2);
    release();
    await Promise.all(calls);
    expect(adobe.count('configuration')).toBe(2);
    expect(new Set(adobe.hits.filter((h) => h.op === 'configuration').map((h) => h.headers['x-device-info']))).toEqual(new Set(platforms));
  });

  it('shares no error: the first caller gets the 500, the others ask on their own', async () => {
    const { gate, release } = held();
    adobe = await startFakeAdobe({ overrides: { configuration: async (_, n) => (n === 1 ? (await gate, enhanced(500, 'internal_server_error', 'none')) : undefined) } });
    const { pass } = passFor(adobe);
    const calls = Array.from({ length: 5 }, (_, i) => ask(pass, i));
    await arrived(1);
    release();
    const statuses = (await Promise.all(calls)).map((a) => a.response.status);
    expect(statuses).toEqual([500, 200, 200, 200, 200]);
    expect(adobe.count('configuration')).toBe(5);
  });

  it('keeps the request going for the others when the caller that started it gives up', async () => {
    const { gate, release } = held();
    adobe = await startFakeAdobe({ overrides: { configuration: async () => (await gate, undefined) } });
    const { pass } = passFor(adobe);
    const first = new AbortController();
    const firstCall = ask(pass, 0, { signal: first.signal });
    const others = Array.from({ length: 3 }, (_, i) => ask(pass, i + 1));
    const quitter = new AbortController();
    const quitting = ask(pass, 9, { signal: quitter.signal });
    await arrived(1);
    first.abort(new Error('the device went away'));
    expect((await rejection(firstCall)).message).toBe('the device went away');
    // One that joined gives up too: it leaves with its own reason and sends nothing.
    quitter.abort(new Error('this one too'));
    expect((await rejection(quitting)).message).toBe('this one too');
    release();
    expect((await Promise.all(others)).map((a) => a.response.status)).toEqual([200, 200, 200]);
    expect(adobe.count('configuration')).toBe(1);
    expect(adobe.hits.find((h) => h.op === 'configuration')?.aborted).toBe(false);
  });

  it('cancels the request once every caller waiting for it has given up, and the next call starts afresh', async () => {
    adobe = await startFakeAdobe({ overrides: { configuration: (_, n) => (n === 1 ? { hang: true } : undefined) } });
    const { pass } = passFor(adobe);
    const controllers = [new AbortController(), new AbortController()];
    const leaving = controllers.map((c, i) => ask(pass, i, { signal: c.signal }));
    await arrived(1);
    for (const c of controllers) c.abort(new Error('gone'));
    for (const call of leaving) expect((await rejection(call)).message).toBe('gone');
    const deadline = Date.now() + 2000;
    while (!adobe.hits.find((h) => h.op === 'configuration')?.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(adobe.hits.find((h) => h.op === 'configuration')?.aborted).toBe(true);
    expect((await ask(pass, 2)).response.status).toBe(200);
    expect(adobe.count('configuration')).toBe(2);
  });

  it("does not make a 'reload' wait for a request that was sent before it", async () => {
    const { gate, release } = held();
    adobe = await startFakeAdobe({ overrides: { configuration: async (_, n) => (await gate, { json: { requestor: { id: 'REF30', mvpds: [{ id: `mvpd-${n}`, displayName: 'x' }] } } }) } });
    const { pass } = passFor(adobe);
    const first = ask(pass, 0);
    await arrived(1);
    const reload = ask(pass, 1, { cache: 'reload' });
    await arrived(2);
    release();
    expect((await first).data?.requestor.mvpds[0]?.id).toBe('mvpd-1');
    expect((await reload).data?.requestor.mvpds[0]?.id).toBe('mvpd-2');
    expect(adobe.count('configuration')).toBe(2);
  });
});
