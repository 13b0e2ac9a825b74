// polling.interval and polling.stop: violating and compliant traffic.
import { describe, expect, it } from 'vitest';
import { audit, device, enhancedError, noProfile, outcome, profile, session, SP, T0, type Call } from '../support/har.ts';

const create = (at: number, code: string, notAfter = T0 + 1_800_000): Call => ({ at, path: `/api/v2/${SP}/sessions`, headers: device(), body: 'mvpd=Cablevision&domainName=adobe.com&redirectUrl=https%3A%2F%2Fadobe.com', status: 201, response: session(code, notAfter) });
const poll = (at: number, code: string, response: object = noProfile, status = 200): Call => ({ at, path: `/api/v2/${SP}/profiles/code/${code}`, headers: { Authorization: 'Bearer token-A', Accept: 'application/json' }, status, response });

describe('polling.interval', () => {
  it('flags polls of one code less than 3 s apart', async () => {
    const report = await audit([create(0, 'ABC'), poll(1000, 'ABC'), poll(2000, 'ABC'), poll(3000, 'ABC'), poll(6500, 'ABC', profile('Cablevision'))]);
    expect(outcome(report, 'polling.interval')).toMatchObject({ status: 'fail', findings: [{ device: 'fingerprint ZGV2aWNlLTE=', requests: ['#3', '#4'] }] });
  });

  it('flags a device polling GET /profiles every second while it finds nothing', async () => {
    const list = (at: number, response: object): Call => ({ at, path: `/api/v2/${SP}/profiles`, headers: device(), response });
    const report = await audit([list(0, noProfile), list(1000, noProfile), list(2000, profile('Cablevision'))]);
    expect(outcome(report, 'polling.interval')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2', '#3'] }] });
  });

  it('passes polls 3–5 s apart, and a quick retry after action retry', async () => {
    const report = await audit([create(0, 'ABC'), poll(1000, 'ABC'), poll(4000, 'ABC'), poll(8500, 'ABC', profile('Cablevision'))]);
    expect(outcome(report, 'polling.interval')).toMatchObject({ status: 'pass', examined: 3 });
    const retried = await audit([create(0, 'ABC'), poll(1000, 'ABC', enhancedError(500, 'maximum_execution_time_exceeded', 'retry'), 500), poll(1400, 'ABC'), poll(4500, 'ABC', profile('Cablevision'))]);
    expect(outcome(retried, 'polling.interval')).toMatchObject({ status: 'pass', examined: 3 });
  });
});

describe('polling.stop', () => {
  it('flags a poll after the profile was returned', async () => {
    const report = await audit([create(0, 'ABC'), poll(3000, 'ABC'), poll(6000, 'ABC', profile('Cablevision')), poll(9000, 'ABC', profile('Cablevision'))]);
    expect(outcome(report, 'polling.stop')).toMatchObject({ status: 'fail', findings: [{ requests: ['#4'] }] });
  });

  it('flags a poll after the code expired (notAfter)', async () => {
    const report = await audit([create(0, 'ABC', T0 + 10_000), poll(3000, 'ABC'), poll(6000, 'ABC'), poll(9000, 'ABC'), poll(12_000, 'ABC')]);
    expect(outcome(report, 'polling.stop')).toMatchObject({ status: 'fail', findings: [{ requests: ['#5'] }] });
  });

  it('flags a poll of the old code after the device created a new one', async () => {
    const report = await audit([create(0, 'OLD'), poll(3000, 'OLD'), create(4000, 'NEW'), poll(6000, 'OLD'), poll(7000, 'NEW'), poll(10_000, 'NEW', profile('Cablevision'))]);
    expect(outcome(report, 'polling.stop')).toMatchObject({ status: 'fail', findings: [{ requests: ['#4'] }] });
  });

  it('does not count the successful poll itself, even when it took no time', async () => {
    const report = await audit([create(0, 'ABC'), { ...poll(3000, 'ABC', profile('Cablevision')), time: 0 }]);
    expect(outcome(report, 'polling.stop')).toMatchObject({ status: 'pass', examined: 1 });
  });

  it('passes polling that stops at success and polling that stops before notAfter', async () => {
    const success = await audit([create(0, 'ABC'), poll(3000, 'ABC'), poll(6000, 'ABC', profile('Cablevision'))]);
    expect(outcome(success, 'polling.stop')).toMatchObject({ status: 'pass', examined: 2 });
    const expiry = await audit([create(0, 'ABC', T0 + 10_000), poll(3000, 'ABC'), poll(6000, 'ABC'), poll(9000, 'ABC')]);
    expect(outcome(expiry, 'polling.stop')).toMatchObject({ status: 'pass', examined: 3 });
  });
});
