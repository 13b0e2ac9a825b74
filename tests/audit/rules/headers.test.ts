// headers.authorization, headers.device-identifier, headers.device-info, headers.device-identifier-stable,
// headers.forwarded-for: violating and compliant traffic.
import { describe, expect, it } from 'vitest';
import { audit, device, noProfile, outcome, SP, type Call } from '../support/har.ts';

const without = (headers: Record<string, string>, name: string) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));
const profiles = (at: number, headers: Record<string, string>): Call => ({ at, path: `/api/v2/${SP}/profiles`, headers, response: noProfile });
const pollByCode = (at: number): Call => ({ at, path: `/api/v2/${SP}/profiles/code/ABC`, headers: { Authorization: 'Bearer token-A' }, response: noProfile });

describe('headers.authorization', () => {
  it('flags a REST API v2 request without Authorization', async () => {
    const report = await audit([profiles(0, device()), profiles(5000, without(device(), 'Authorization'))]);
    expect(outcome(report, 'headers.authorization')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2'] }] });
  });

  it('passes when every secured request carries it (the user-agent authenticate page needs none)', async () => {
    const report = await audit([profiles(0, device()), { at: 100, path: `/api/v2/authenticate/${SP}/ABC`, headers: { 'User-Agent': 'Mozilla/5.0' }, status: 302, responseHeaders: { Location: 'https://mvpd.example/login' } }]);
    expect(outcome(report, 'headers.authorization')).toMatchObject({ status: 'pass', examined: 1 });
  });
});

describe('headers.device-identifier', () => {
  it('flags a request without AP-Device-Identifier where the page lists it', async () => {
    const report = await audit([profiles(0, without(device(), 'AP-Device-Identifier'))]);
    expect(outcome(report, 'headers.device-identifier')).toMatchObject({ status: 'fail', findings: [{ requests: ['#1'] }] });
  });

  it('passes requests that carry it, and does not ask for it on polls by code (their page does not list it)', async () => {
    expect(outcome(await audit([profiles(0, device()), pollByCode(3000)]), 'headers.device-identifier')).toMatchObject({ status: 'pass', examined: 1 });
  });
});

describe('headers.device-info', () => {
  it('flags a request without X-Device-Info', async () => {
    const report = await audit([profiles(0, device()), profiles(5000, without(device(), 'X-Device-Info'))]);
    expect(outcome(report, 'headers.device-info')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2'] }] });
  });

  it('passes when every request that takes it carries it', async () => {
    expect(outcome(await audit([profiles(0, device()), profiles(5000, device())]), 'headers.device-info')).toMatchObject({ status: 'pass', examined: 2 });
  });
});

describe('headers.device-identifier-stable', () => {
  it('flags one device (same X-Device-Info, User-Agent, address) sending a new identifier', async () => {
    const report = await audit([profiles(0, device('aWQtMQ==', { forwardedFor: '203.0.113.7' })), profiles(5000, device('aWQtMQ==', { forwardedFor: '203.0.113.7' })), profiles(10_000, device('aWQtMg==', { forwardedFor: '203.0.113.7', port: 53111 }))]);
    expect(outcome(report, 'headers.device-identifier-stable')).toMatchObject({ status: 'fail', findings: [{ device: 'fingerprint aWQtMQ==', requests: ['#1', '#3'] }] });
  });

  it('passes different devices with different identifiers, and one device on changing ports', async () => {
    const report = await audit([
      profiles(0, device('aWQtMQ==', { model: 'AppleTV' })),
      profiles(100, device('aWQtMg==', { model: 'Roku Ultra' })),
      profiles(5000, device('aWQtMQ==', { model: 'AppleTV', port: 60001 })),
    ]);
    expect(outcome(report, 'headers.device-identifier-stable')).toMatchObject({ status: 'pass', examined: 3 });
  });
});

describe('headers.forwarded-for', () => {
  it('is undecided unless the traffic is declared server-to-server', async () => {
    expect(outcome(await audit([profiles(0, device())]), 'headers.forwarded-for').status).toBe('undecided');
  });

  it('flags a server-to-server request without X-Forwarded-For', async () => {
    const report = await audit([profiles(0, device(undefined, { forwardedFor: '203.0.113.7' })), profiles(5000, device())], { serverToServer: true });
    expect(outcome(report, 'headers.forwarded-for')).toMatchObject({ status: 'fail', findings: [{ requests: ['#2'] }] });
  });

  it('passes server-to-server traffic that forwards every device address', async () => {
    const report = await audit([profiles(0, device(undefined, { forwardedFor: '203.0.113.7' })), profiles(5000, device('b3RoZXI=', { forwardedFor: '198.51.100.4' }))], { serverToServer: true });
    expect(outcome(report, 'headers.forwarded-for')).toMatchObject({ status: 'pass', examined: 2 });
  });
});
