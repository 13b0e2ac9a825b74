// The bounds a program passes to runCheck and startProxy: NaN compares false with everything, so a
// NaN bound bounded nothing, and a timer longer than Node keeps fires after 1 ms. Each is refused
// before anything is sent, written or listened on, with the option's name.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/contract/check.ts';
import { startMock } from '../../src/mock/server.ts';
import { startProxy } from '../../src/proxy/server.ts';
import { startSimulator } from '../../src/simulator/server.ts';
import { startFakeAdobe } from '../support/fake-adobe/index.ts';
import { description, ENV, STATEMENT } from './support.ts';

const TIMER = 'a number of milliseconds from 1 to 2147483647 (24.8 days, the longest timer Node keeps)';

describe('runCheck refuses bounds that bound nothing', () => {
  it.each([
    // NaN: every request "timed out" after 1 ms, as "no complete response within NaN ms".
    ['requestTimeoutMs', Number.NaN, `runCheck: requestTimeoutMs must be ${TIMER}, got NaN`],
    ['requestTimeoutMs', 0, `runCheck: requestTimeoutMs must be ${TIMER}, got 0`],
    ['requestTimeoutMs', 2 ** 31, `runCheck: requestTimeoutMs must be ${TIMER}, got 2147483648`],
    // The run stopped at once: "the run exceeded --timeout (NaN s)".
    ['timeoutMs', Number.NaN, `runCheck: timeoutMs must be ${TIMER}, got NaN`],
    ['probeTimeoutMs', Infinity, `runCheck: probeTimeoutMs must be ${TIMER}, got Infinity`],
    // A 429 answered for ever was retried for ever (attempt > NaN is false).
    ['maxRetries', Number.NaN, 'runCheck: maxRetries must be a whole number from 0 up, got NaN'],
    ['maxRetries', Infinity, 'runCheck: maxRetries must be a whole number from 0 up, got Infinity'],
    ['maxRetries', 1.5, 'runCheck: maxRetries must be a whole number from 0 up, got 1.5'],
    ['maxResponseBytes', Number.NaN, 'runCheck: maxResponseBytes must be a whole number from 1 up, got NaN'],
    ['maxResponseBytes', 0, 'runCheck: maxResponseBytes must be a whole number from 1 up, got 0'],
  ])('%s %s', async (name, value, message) => {
    const host = await startFakeAdobe({ throttle: false, softwareStatement: STATEMENT, description });
    const dir = await mkdtemp(join(tmpdir(), 'pass-bounds-'));
    try {
      await expect(runCheck({ target: host.baseUrl, reportDir: join(dir, 'reports'), env: ENV, description, driftFile: false, pace: { ratePerSecond: 1000 }, [name]: value })).rejects.toThrow(message);
      expect(host.received).toEqual([]);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await host.close();
    }
  });
});

describe('startProxy refuses bounds that bound nothing', () => {
  it.each([
    ['timeoutMs', Number.NaN, `startProxy: timeoutMs must be ${TIMER}, got NaN`],
    ['timeoutMs', 1e10, `startProxy: timeoutMs must be ${TIMER}, got 10000000000`],
    ['maxBytes', Number.NaN, 'startProxy: maxBytes must be a whole number from 1 up, got NaN'],
    ['maxBytes', -1, 'startProxy: maxBytes must be a whole number from 1 up, got -1'],
    // NaN: Node's socket timer took it as "no timeout", and a client that stopped reading was held for ever.
    ['sendTimeoutMs', Number.NaN, `startProxy: sendTimeoutMs must be ${TIMER}, got NaN`],
    ['sendTimeoutMs', 0, `startProxy: sendTimeoutMs must be ${TIMER}, got 0`],
  ])('%s %s', async (name, value, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-bounds-'));
    await expect(startProxy({ upstream: 'http://127.0.0.1:9', port: 0, reportDir: join(dir, 'reports'), [name]: value })).rejects.toThrow(message);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('startProxy refuses an upstream that is not an http(s) base URL without quoting its password', () => {
  // Node's URL parser throws a TypeError whose `input` holds the whole string: a program logging
  // the error as JSON (pino, a structured logger) wrote the password out.
  it.each([
    ['http://proxy-user:hunter2-canary@[bad', 'startProxy: upstream must be an http(s) URL, got "http://[bad"'],
    ['ftp://proxy-user:hunter2-canary@adobe.example', 'startProxy: upstream must be an http(s) URL, got "ftp://adobe.example"'],
    ['https://proxy-user:hunter2-canary@adobe.example/api/v2', "startProxy: upstream ends with /api/v2, which each request adds itself (/api/v2/… and /o/client/…): give the host's base URL, such as https://adobe.example"],
  ])('%s', async (upstream, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-bounds-'));
    const error = await startProxy({ upstream, port: 0, reportDir: join(dir, 'reports') }).then(() => undefined, (e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TypeError);
    expect(error!.message).toBe(message);
    expect([error!.message, error!.stack, JSON.stringify(error), String((error as { input?: string }).input)].join('\n')).not.toContain('hunter2');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('the mock and the simulator refuse a body bound that bounds nothing', () => {
  // NaN: every size compared false with it, and request bodies were buffered without a bound.
  it.each([Number.NaN, 0, 1.5, -1])('maxBodyBytes %s', async (maxBodyBytes) => {
    await expect(startMock({ port: 0, description, maxBodyBytes })).rejects.toThrow(`startMock: maxBodyBytes must be a whole number from 1 up, got ${maxBodyBytes}`);
    await expect(startSimulator({ port: 0, description, maxBodyBytes })).rejects.toThrow(`startSimulator: maxBodyBytes must be a whole number from 1 up, got ${maxBodyBytes}`);
  });
});

describe('the mock and the simulator refuse a send timeout that bounds nothing, before anything is opened', () => {
  it.each([Number.NaN, 0, 2 ** 31])('sendTimeoutMs %s', async (sendTimeoutMs) => {
    await expect(startMock({ port: 0, description, sendTimeoutMs })).rejects.toThrow(`startMock: sendTimeoutMs must be ${TIMER}, got ${sendTimeoutMs}`);
    const dir = await mkdtemp(join(tmpdir(), 'pass-bounds-'));
    await expect(startSimulator({ port: 0, description, sendTimeoutMs, record: join(dir, 'traffic.har') })).rejects.toThrow(`startSimulator: sendTimeoutMs must be ${TIMER}, got ${sendTimeoutMs}`);
    // The recording was not created (nor left half-written).
    expect(await readdir(dir)).toEqual([]);
  });
});
