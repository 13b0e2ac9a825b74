// Faults on the simulator: errors (top-level, or item-level on decisions), a seeded error rate,
// latency and hangs that end when the client gives up or the simulator closes.
import { describe, expect, it } from 'vitest';
import { device, SP, startTestSimulator, useSimulator, type TestSimulator } from './support.ts';

let t: TestSimulator;
let token: string;
useSimulator((sim, fresh) => {
  t = sim;
  token = fresh;
});

const setFaults = (faults: unknown) => t.call('PUT', '/_sim/faults', { json: faults, unchecked: true });
const configuration = () => t.call('GET', `/api/v2/${SP}/configuration`, { token });

describe('faults', () => {
  it('answers an error code with its catalog status for one operation only', async () => {
    expect((await setFaults([{ operation: 'retrieveConfiguration', error: 'internal_server_error' }])).status).toBe(200);
    expect(await configuration()).toMatchObject({ status: 500, body: { code: 'internal_server_error', action: 'none' } });
    expect((await t.call('GET', `/api/v2/${SP}/profiles`, { token, headers: device(1) })).status).toBe(200);
    await t.call('DELETE', '/_sim/faults', { unchecked: true });
    expect((await configuration()).status).toBe(200);
  });

  it('turns an error into item-level errors on decisions (the way Adobe reports MVPD network errors)', async () => {
    await setFaults([{ operation: 'retrieveAuthorizationDecisions', error: 'network_connection_timeout' }]);
    const r = await t.call('POST', `/api/v2/${SP}/decisions/authorize/Cablevision`, { token, headers: device(1), json: { resources: ['a', 'b'] } });
    expect(r.status).toBe(200);
    expect(r.body.decisions.map((d: { error: { code: string; action: string } }) => [d.error.code, d.error.action])).toEqual([['network_connection_timeout', 'retry'], ['network_connection_timeout', 'retry']]);
  });

  it('applies an error rate from the seeded stream: the same seed gives the same sequence after a reset', async () => {
    const run = async () => {
      await t.reset();
      token = await t.token();
      await setFaults([{ operation: 'retrieveConfiguration', rate: 0.5, error: 'internal_server_error' }]);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await configuration()).status);
      return statuses;
    };
    const first = await run();
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(5);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(5);
    expect(await run()).toEqual(first);
  });

  it('holds a hung request until the client gives up, then keeps serving', async () => {
    await setFaults([{ operation: 'retrieveConfiguration', hang: true }]);
    const hung = fetch(`${t.url}/api/v2/${SP}/configuration`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toThrow(/aborted|timeout/i);
    expect((await t.call('GET', `/api/v2/${SP}/profiles`, { token, headers: device(1) })).status).toBe(200);
  });

  it('delays a request by its latency (and a client deadline shorter than it wins)', async () => {
    await setFaults([{ operation: 'retrieveConfiguration', latency: '10s' }]);
    await expect(fetch(`${t.url}/api/v2/${SP}/configuration`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(200) })).rejects.toThrow(/aborted|timeout/i);
    await setFaults([{ operation: 'retrieveConfiguration', latency: 20 }]);
    expect((await configuration()).status).toBe(200);
  });

  it('rejects a bad fault with what is wrong and where', async () => {
    expect(await setFaults([{ operation: 'retrieveConfiguration', rate: 2 }])).toMatchObject({ status: 400, body: { error: '/0/rate: must be <= 1' } });
    expect(await setFaults([{ operation: 'retrieveConfiguration' }, { operation: 'retrieveProfiles', hung: true }])).toMatchObject({ status: 400, body: { error: '/1/hung: is not a known field' } });
    expect(await t.call('POST', '/_sim/faults', { json: 'hang', unchecked: true })).toMatchObject({ status: 400, body: { error: '(body): must be object' } });
    expect(await setFaults([{ operation: 'frobnicate' }])).toMatchObject({ status: 400, body: { error: expect.stringContaining('"frobnicate" is not an operationId') } });
    expect(await setFaults([{ operation: '*', error: 'no_such_code' }])).toMatchObject({ status: 400, body: { error: expect.stringContaining('"no_such_code" is not an enhanced error code') } });
    expect(await setFaults({ operation: '*' })).toMatchObject({ status: 400, body: { error: expect.stringContaining('array') } });
  });
});

describe('a hung request and closing the simulator', () => {
  it('ends the hung request when the simulator closes (close does not wait for it)', async () => {
    const own = await startTestSimulator({ tune: (s) => void (s.faults = [{ operation: 'retrieveConfiguration', hang: true }]) });
    const tok = await own.token();
    const hung = fetch(`${own.url}/api/v2/${SP}/configuration`, { headers: { Authorization: `Bearer ${tok}` }, signal: AbortSignal.timeout(10_000) }).then(() => 'answered', (e: Error) => `failed: ${e.name}`);
    await new Promise((r) => setTimeout(r, 50));
    await own.close();
    expect(await hung).toMatch(/^failed: (TypeError|Error)/);
  });
});
