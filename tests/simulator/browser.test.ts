// A real Chromium plays the user: it opens the authenticate URL, lands on the simulated MVPD's
// sign-in page and signs in, while the device (the typed client) polls for the profile and then
// obtains an authorization with a media token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeviceInfo, createPassClient, deviceHeaders, pollProfileByCode, retrieveDecisions } from 'pass-contract-client';
import { launchChromium, type LaunchedChromium } from '../support/chromium.ts';
import { SP, startTestSimulator, type TestSimulator } from './support.ts';

let t: TestSimulator;
let browser: LaunchedChromium;
beforeAll(async () => {
  t = await startTestSimulator();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('sign-in in a real browser', () => {
  it('the user signs in on the MVPD page while the device polls, then the device is authorized', async () => {
    const device = { primaryHardwareType: 'SetTopBox', model: 'AppleTV', version: '5,3', osName: 'tvOS', osVersion: '17.0', connectionType: 'WiFi' } as const;
    const header = deviceHeaders({ deviceId: 'browser-test-device', device, forwardedFor: '203.0.113.9' });
    const pass = createPassClient({ baseUrl: t.url, dcr: { softwareStatement: t.scenario.softwareStatements[0]!.statement, deviceInfo: buildDeviceInfo(device) } });
    const { data: session } = await pass.POST('/api/v2/{serviceProvider}/sessions', {
      params: { path: { serviceProvider: SP }, header },
      body: { mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: `${t.url}/_mvpd/signed-in` },
    });
    expect(session?.actionName).toBe('authenticate');

    // The device polls (the cookbook's 3–5 s, on a clock whose sleeps last 50 ms) until the profile appears.
    const stop = AbortSignal.timeout(60_000);
    const polling = pollProfileByCode(pass, {
      serviceProvider: SP, code: session!.code!, notAfter: Number(session!.notAfter), signal: stop,
      clock: { now: () => Date.now(), sleep: (_ms, signal) => new Promise((resolve, reject) => { const timer = setTimeout(resolve, 50); signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true }); }) },
    });

    const page = browser.page;
    page.setDefaultTimeout(15_000);
    const hosts = new Set<string>();
    page.on('request', (r) => hosts.add(new URL(r.url()).host));
    await page.goto(`${t.url}${session!.url}`);
    expect(page.url()).toMatch(/\/_mvpd\/Cablevision\/sign-in\?/);
    expect(await page.title()).toBe('Sign in to Optimum');
    await page.fill('#username', 'alice');
    await page.fill('#password', 'not-her-password');
    await page.click('#sign-in');
    expect(await page.textContent('#error')).toBe('Wrong username or password.');
    await page.fill('#username', 'alice');
    await page.fill('#password', 'alice-password');
    await Promise.all([page.waitForURL(`${t.url}/_mvpd/signed-in`), page.click('#sign-in')]);
    expect(await page.textContent('h1')).toBe('Signed in');

    const polled = await polling;
    expect(polled).toMatchObject({ status: 'authenticated', mvpd: 'Cablevision', profile: { type: 'regular', attributes: { householdID: { value: 'household-alice' } } } });
    expect(polled.attempts).toBeGreaterThan(1);

    const { decisions } = await retrieveDecisions(pass, { kind: 'authorize', serviceProvider: SP, mvpd: 'Cablevision', resources: ['REF30'], headers: header });
    expect(decisions.REF30).toMatchObject({ authorized: true, source: 'mvpd', token: { serializedToken: expect.any(String) } });
    expect([...hosts]).toEqual([new URL(t.url).host]);
    expect(t.drifts).toEqual([]);
  }, 120_000);
});
