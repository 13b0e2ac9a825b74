// The configuration is fetched once per TTL (Adobe's checklist: keep it 3-5 minutes), with a
// per-call opt-out.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAdobe, type FakeAdobe } from '../support/fake-adobe.ts';
import { configuration, passFor } from '../support/pass.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());

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
