// The configuration is fetched once per TTL (Adobe's checklist: keep it 3-5 minutes), with a
// per-call opt-out.
import { afterEach, describe, expect, it } from 'vitest';
import { buildDeviceInfo, createPassClient, type DeviceInfo } from '../../../packages/client/src/index.ts';
import { SP, startTestSimulator } from '../../simulator/support.ts';
import { startFakeAdobe, type FakeAdobe } from '../support/fake-adobe.ts';
import { configuration, passFor } from '../support/pass.ts';

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
