// configuration.when-needed and configuration.cache: violating and compliant traffic.
import { describe, expect, it } from 'vitest';
import { audit, device, noProfile, outcome, profile, session, SP, T0, type Call } from '../support/har.ts';

const config = (at: number, headers = device()): Call => ({ at, path: `/api/v2/${SP}/configuration`, headers, response: { requestor: { mvpds: [] } } });
const profiles = (at: number, response: object): Call => ({ at, path: `/api/v2/${SP}/profiles`, headers: device(), response });

describe('configuration.when-needed', () => {
  it('flags a configuration fetched while the device has a valid profile', async () => {
    const report = await audit([profiles(0, profile('Cablevision')), config(1000)]);
    expect(outcome(report, 'configuration.when-needed')).toMatchObject({ status: 'fail', findings: [{ device: 'fingerprint ZGV2aWNlLTE=', requests: ['#2'] }] });
  });

  it('attributes a profile found by code to the device that created the code', async () => {
    const report = await audit([
      { at: 0, path: `/api/v2/${SP}/sessions`, headers: device(), body: 'mvpd=Cablevision&domainName=adobe.com&redirectUrl=https%3A%2F%2Fadobe.com', status: 201, response: session('ABC123', T0 + 1_800_000) },
      { at: 4000, path: `/api/v2/${SP}/profiles/code/ABC123`, headers: { Authorization: 'Bearer token-A' }, response: profile('Cablevision') },
      config(9000),
    ]);
    expect(outcome(report, 'configuration.when-needed')).toMatchObject({ status: 'fail', findings: [{ device: 'fingerprint ZGV2aWNlLTE=', requests: ['#3'] }] });
  });

  it('passes a configuration fetched when no profile exists, after the profile expired, or after logout', async () => {
    expect(outcome(await audit([profiles(0, noProfile), config(1000)]), 'configuration.when-needed')).toMatchObject({ status: 'pass', examined: 1 });
    expect(outcome(await audit([profiles(0, profile('Cablevision', T0 + 2000)), config(5000)]), 'configuration.when-needed')).toMatchObject({ status: 'pass', examined: 1 });
    const afterLogout = await audit([
      profiles(0, profile('Cablevision')),
      { at: 1000, path: `/api/v2/${SP}/logout/Cablevision?redirectUrl=https%3A%2F%2Fadobe.com`, headers: device(), response: { logouts: {} } },
      config(200_000),
    ]);
    expect(outcome(afterLogout, 'configuration.when-needed')).toMatchObject({ status: 'pass', examined: 1 });
  });
});

describe('configuration.cache', () => {
  it('flags a device fetching the configuration again within 2 minutes', async () => {
    const report = await audit([config(0), config(60_000), config(61_000)]);
    expect(outcome(report, 'configuration.cache')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2', '#3'] }] });
  });

  it('passes fetches 2.5 minutes apart, and fetches by different devices', async () => {
    expect(outcome(await audit([config(0), config(150_000)]), 'configuration.cache')).toMatchObject({ status: 'pass', examined: 2 });
    expect(outcome(await audit([config(0), config(1000, device('b3RoZXI='))]), 'configuration.cache')).toMatchObject({ status: 'pass', examined: 2 });
  });
});
