// retry.bounded, retry.only-when-retry, retry.only-failed-items: violating and compliant traffic.
import { describe, expect, it } from 'vitest';
import { audit, device, enhancedError, outcome, SP, type Call } from '../support/har.ts';

const authorize = (at: number, response: object, status = 200, mvpd = 'Cablevision', resources = ['REF30']): Call => ({ at, path: `/api/v2/${SP}/decisions/authorize/${mvpd}`, headers: device(), body: { resources }, status, response });
const timeout = enhancedError(403, 'network_connection_timeout', 'retry');
const permit = { decisions: [{ resource: 'REF30', serviceProvider: SP, mvpd: 'Cablevision', source: 'mvpd', authorized: true }] };

describe('retry.bounded', () => {
  it('flags more than 3 retries of one call', async () => {
    const report = await audit([0, 200, 400, 600, 800].map((at) => authorize(at, timeout, 403)));
    expect(outcome(report, 'retry.bounded')).toMatchObject({ status: 'fail', findings: [{ requests: ['#1', '#2', '#3', '#4', '#5'] }] });
  });

  it('passes 3 retries (the upper bound) and 2 retries followed by success', async () => {
    expect(outcome(await audit([0, 200, 400, 600].map((at) => authorize(at, timeout, 403))), 'retry.bounded')).toMatchObject({ status: 'pass', examined: 3 });
    expect(outcome(await audit([authorize(0, timeout, 403), authorize(500, timeout, 403), authorize(1500, permit)]), 'retry.bounded')).toMatchObject({ status: 'pass', examined: 2 });
  });

  it('does not count a user asking again a minute later as a retry', async () => {
    const report = await audit([0, 60_000, 120_000, 180_000, 240_000].map((at) => authorize(at, timeout, 403)));
    expect(outcome(report, 'retry.bounded').status).toBe('not-exercised');
  });
});

describe('retry.only-when-retry', () => {
  it('flags the unchanged call repeated after an error whose action is not retry', async () => {
    const report = await audit([authorize(0, enhancedError(400, 'invalid_parameter_mvpd', 'none'), 400), authorize(100, enhancedError(400, 'invalid_parameter_mvpd', 'none'), 400)]);
    expect(outcome(report, 'retry.only-when-retry')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2'] }] });
  });

  it('flags the same resources asked again right after a deny', async () => {
    const deny = { decisions: [{ resource: 'REF30', serviceProvider: SP, mvpd: 'Cablevision', source: 'mvpd', authorized: false, error: enhancedError(403, 'authorization_denied_by_mvpd', 'none') }] };
    const report = await audit([authorize(0, deny), authorize(300, deny)]);
    expect(outcome(report, 'retry.only-when-retry')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2'] }] });
  });

  it('passes a corrected request after action none, and a repeat after action retry', async () => {
    const fixed = await audit([authorize(0, enhancedError(400, 'invalid_parameter_mvpd', 'none'), 400, 'Cablevsion'), authorize(100, permit, 200, 'Cablevision')]);
    expect(outcome(fixed, 'retry.only-when-retry')).toMatchObject({ status: 'pass', examined: 1 });
    expect(outcome(await audit([authorize(0, timeout, 403), authorize(500, permit)]), 'retry.only-when-retry').status).toBe('not-exercised');
  });

  it('passes a repeat that adds the header the error asked for', async () => {
    const noIdentity = { decisions: [{ resource: 'REF30', serviceProvider: SP, mvpd: 'flexibleTempPass', source: 'temppass', authorized: false, error: enhancedError(400, 'invalid_header_identity_for_temporary_access', 'none') }] };
    const withIdentity: Call = { ...authorize(100, permit, 200, 'flexibleTempPass'), headers: { ...device(), 'AP-TempPass-Identity': 'eyJlbWFpbCI6ImFAYi5jb20ifQ==' } };
    const report = await audit([authorize(0, noIdentity, 200, 'flexibleTempPass'), withIdentity]);
    expect(outcome(report, 'retry.only-when-retry')).toMatchObject({ status: 'pass', examined: 1 });
    // The same repeat without the header is still a finding.
    const unchanged = await audit([authorize(0, noIdentity, 200, 'flexibleTempPass'), authorize(100, noIdentity, 200, 'flexibleTempPass')]);
    expect(outcome(unchanged, 'retry.only-when-retry')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2'] }] });
  });
});

describe('retry.only-failed-items', () => {
  const mixed = (at: number) => authorize(at, { decisions: [
    { resource: 'A', serviceProvider: SP, mvpd: 'Cablevision', source: 'mvpd', authorized: true },
    { resource: 'B', serviceProvider: SP, mvpd: 'Cablevision', source: 'mvpd', authorized: false, error: timeout },
  ] }, 200, 'Cablevision', ['A', 'B']);

  it('flags a retry that asks again for resources that already had a decision', async () => {
    const report = await audit([mixed(0), authorize(500, permit, 200, 'Cablevision', ['A', 'B'])]);
    expect(outcome(report, 'retry.only-failed-items')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2'] }] });
  });

  it('passes a retry of the retry items only', async () => {
    const report = await audit([mixed(0), authorize(500, permit, 200, 'Cablevision', ['B'])]);
    expect(outcome(report, 'retry.only-failed-items')).toMatchObject({ status: 'pass', examined: 1 });
  });
});
