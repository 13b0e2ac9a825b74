import createClient from 'openapi-fetch';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { paths } from '../../../packages/client/generated/schema.d.ts';
import { systemClock } from '../../../packages/client/src/clock.ts';
import { clampPollInterval, pollProfileByCode } from '../../../packages/client/src/flows/poll-profile.ts';
import { enhancedError, json, scriptedFetch } from '../support.ts';

const profile = { notBefore: 1, notAfter: 2, issuer: 'Cablevision', type: 'regular', attributes: { userID: { value: 'u', state: 'plain' } } };
const empty = () => json(200, { profiles: {} });

describe('pollProfileByCode (fake timers)', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  const client = (handler: Parameters<typeof scriptedFetch>[0]) => {
    const f = scriptedFetch(handler, systemClock);
    return { ...f, client: createClient<paths>({ baseUrl: 'http://pass.test', fetch: f.fetch }) };
  };

  it('polls every interval until a profile appears', async () => {
    const t = client((_, i) => (i < 2 ? empty() : json(200, { profiles: { Cablevision: profile } })));
    const done = pollProfileByCode(t.client, { serviceProvider: 'REF30', code: 'ABC123', notAfter: Date.now() + 60_000, intervalMs: 4000 });
    await vi.advanceTimersByTimeAsync(8000);
    const result = await done;
    expect(result).toMatchObject({ status: 'authenticated', mvpd: 'Cablevision', attempts: 3 });
    expect(t.requests.map((r) => r.at - t.requests[0]!.at)).toEqual([0, 4000, 8000]);
  });

  it('stops at notAfter without another request', async () => {
    const t = client(() => empty());
    const done = pollProfileByCode(t.client, { serviceProvider: 'REF30', code: 'ABC123', notAfter: Date.now() + 10_000, intervalMs: 5000 });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await done).toEqual({ status: 'expired', attempts: 2 });
    expect(t.requests).toHaveLength(2);
  });

  it('stops when aborted (a new code was generated)', async () => {
    const t = client(() => empty());
    const controller = new AbortController();
    const done = pollProfileByCode(t.client, { serviceProvider: 'REF30', code: 'ABC123', notAfter: Date.now() + 60_000, signal: controller.signal });
    const settled = expect(done).rejects.toThrow('new code');
    await vi.advanceTimersByTimeAsync(4000);
    controller.abort(new Error('new code'));
    await settled;
    const sent = t.requests.length;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(t.requests).toHaveLength(sent);
  });

  it('reports an enhanced error instead of polling on', async () => {
    const t = client(() => enhancedError(403, 'authenticated_profile_expired', 'authentication'));
    const result = await pollProfileByCode(t.client, { serviceProvider: 'REF30', code: 'ABC123', notAfter: Date.now() + 60_000 });
    expect(result).toMatchObject({ status: 'failed', httpStatus: 403, error: { code: 'authenticated_profile_expired' } });
  });

  it('clamps the interval to 3–5 s', () => {
    expect([100, 3000, 4200, 60_000].map(clampPollInterval)).toEqual([3000, 3000, 4200, 5000]);
  });
});
