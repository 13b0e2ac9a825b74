// throttle.rate and throttle.wait-after-429: violating and compliant traffic. The rate model's
// expectation is the scenario table of Adobe's throttling page, row by row.
import { describe, expect, it } from 'vitest';
import { audit, device, noProfile, outcome, SP, T0, type Call } from '../support/har.ts';

const call = (at: number, status = 200, responseHeaders: Record<string, string> = {}, time = 20): Call => ({ at, path: `/api/v2/${SP}/profiles`, headers: device(undefined, { forwardedFor: '203.0.113.7' }), status, response: status === 200 ? noProfile : undefined, responseHeaders, time });

describe('throttle.rate', () => {
  it('refuses exactly the requests Adobe\'s scenario table answers with 429', async () => {
    // "Time since first request" column of the table; rows 14–16 (2.4 s, 2.6 s, 2.8 s) receive 429.
    const seconds = [0, 0.3, 0.6, 0.9, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 2.1, 2.2, 2.4, 2.6, 2.8, 3.1];
    const report = await audit(seconds.map((s) => call(Math.round(s * 1000))));
    expect(outcome(report, 'throttle.rate')).toMatchObject({ status: 'fail', findings: [{ device: '203.0.113.7 (X-Forwarded-For)', requests: ['#14', '#15', '#16'] }] });
  });

  it('reports 429s received even when the model would not have refused them', async () => {
    const report = await audit([call(0), call(5000, 429)]);
    expect(outcome(report, 'throttle.rate')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2'] }] });
  });

  it('passes a burst of 10 followed by one request per second', async () => {
    const times = [...Array.from({ length: 10 }, (_, i) => i * 50), ...Array.from({ length: 10 }, (_, i) => 1000 + i * 1000)];
    expect(outcome(await audit(times.map((t) => call(t))), 'throttle.rate')).toMatchObject({ status: 'pass', examined: 20 });
  });
});

describe('throttle.wait-after-429', () => {
  it('flags a request sent half a second after a 429 arrived', async () => {
    const report = await audit([call(0, 429), call(520)]);
    expect(outcome(report, 'throttle.wait-after-429')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2'] }] });
  });

  it('honours Retry-After when it asks for longer than a second', async () => {
    const report = await audit([call(0, 429, { 'Retry-After': '3' }), call(2000)]);
    expect(outcome(report, 'throttle.wait-after-429')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2'] }] });
  });

  it("reads a Retry-After date against the answer's own Date: the recorder's clock may be an hour off Adobe's", async () => {
    // Adobe's clock an hour ahead of the recording machine's; it asks for 2 s.
    const host = (ms: number) => new Date(T0 + 3_600_000 + ms).toUTCString();
    const asked = { 'Retry-After': host(2000), Date: host(0) };
    expect(outcome(await audit([call(0, 429, asked), call(2500)]), 'throttle.wait-after-429')).toMatchObject({ status: 'pass', examined: 1 });
    expect(outcome(await audit([call(0, 429, asked), call(1500)]), 'throttle.wait-after-429')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2'] }] });
  });

  it('passes a request a second after the 429, and one already in flight when it arrived', async () => {
    expect(outcome(await audit([call(0, 429), call(1100)]), 'throttle.wait-after-429')).toMatchObject({ status: 'pass', examined: 1 });
    expect(outcome(await audit([call(0, 429, {}, 200), call(50, 200, {}, 200)]), 'throttle.wait-after-429')).toMatchObject({ status: 'pass', examined: 1 });
  });
});
