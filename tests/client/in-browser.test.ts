// The client in a web page, as a TV network's site or player uses it: bundled for the browser, served
// from the page's own origin, calling the simulator (another origin) through Chromium's fetch, which
// enforces what the host's CORS answers allow. The simulator answers as Adobe's host does
// (src/http/cors.ts); the mock too, with its own Prefer and X-Pass-Mock-Violation.
// Before: every call from a page was refused at the preflight (405), and performAuthentication,
// whose redirect a page cannot read, failed as "the connection failed".
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleClient } from '../../bench/client-bundle.ts';
import { startMock, type RunningMock } from '../../src/mock/server.ts';
import { launchChromium, type LaunchedChromium } from '../support/chromium.ts';
import { SP, startTestSimulator, type TestSimulator } from '../simulator/support.ts';

let t: TestSimulator;
let mock: RunningMock;
let browser: LaunchedChromium;
let site: Server;
let siteUrl: string;
/** What the programmer's site serves at `pathname`: the client bundle, or a blank page. */
let siteFile: (pathname: string) => { contentType: string; body: string };
const answered: { method: string; path: string; status: number }[] = [];

beforeAll(async () => {
  // The app's bundler: the client's source, minified for the browser (the bundle whose size bench/ reports).
  const { code: client } = await bundleClient();
  siteFile = (pathname) => (pathname === '/client.js' ? { contentType: 'text/javascript', body: client } : { contentType: 'text/html', body: '<!doctype html><title>a programmer\'s site</title>' });
  site = createServer((req, res) => {
    const file = siteFile(new URL(req.url ?? '/', 'http://localhost').pathname);
    res.writeHead(200, { 'Content-Type': file.contentType }).end(file.body);
  });
  // `localhost` for the site, 127.0.0.1 for the hosts: another origin by host as well as by port.
  await new Promise<void>((resolve) => site.listen(0, 'localhost', resolve));
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/`;
  // Adobe is a distant host: each poll takes 150 ms to answer, as over a real network.
  t = await startTestSimulator({ onRequest: (e) => answered.push(e), tune: (s) => { s.faults.push({ operation: 'retrieveProfileForCode', latencyMs: 150 }); } });
  mock = await startMock({ port: 0 });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await mock?.close();
  await new Promise((resolve) => site?.close(resolve));
});

/**
 * Runs `body` (JavaScript) in the site's page, with `m` the client module, `args` the arguments and
 * `device` the page's device description.
 */
async function inPage<T>(page: Page, body: string, args: Record<string, unknown>): Promise<T> {
  // A string, not a function: the test's transform would add helpers the page does not have.
  const device = "const device = { primaryHardwareType: 'Desktop', model: 'Chrome', version: '1', osName: 'Linux', osVersion: '6', connectionType: 'WiFi' };";
  return page.evaluate(`(async (args) => { const m = await import('/client.js'); ${device} ${body} })(${JSON.stringify(args)})`) as Promise<T>;
}

/** Runs `use` in a tab of its own, closed afterwards whatever happens. */
async function withPage<T>(use: (page: Page) => Promise<T>): Promise<T> {
  const page = await browser.context.newPage();
  try {
    return await use(page);
  } finally {
    await page.close();
  }
}

describe('the client in a page of another origin, against the simulator', () => {
  it('registers, reads the configuration, signs the user in (second screen), polls, is authorized, and logs out', async () => {
    const app = browser.page;
    app.setDefaultTimeout(20_000);
    await app.goto(siteUrl);
    const setup = `
      const header = m.deviceHeaders({ deviceId: 'web-device-1', device });
      const pass = (window.pass ??= m.createPassClient({ baseUrl: args.api, dcr: { softwareStatement: args.statement, deviceInfo: m.buildDeviceInfo(device) } }));
      const sp = args.sp;`;
    const started = await inPage<{ mvpds: string[]; status: number; actionName: string; code: string; notAfter: number; url: string }>(app, `${setup}
      const configuration = await pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: sp }, header } });
      const session = await pass.POST('/api/v2/{serviceProvider}/sessions', { params: { path: { serviceProvider: sp }, header }, body: { mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: args.api + '/_mvpd/signed-in' } });
      return { mvpds: configuration.data.requestor.mvpds.map((x) => x.id), status: session.response.status, actionName: session.data.actionName, code: session.data.code, notAfter: Number(session.data.notAfter), url: m.authenticationUrl(args.api, sp, session.data.code) };
    `, { api: t.url, sp: SP, statement: t.scenario.softwareStatements[0]!.statement });
    expect(started.mvpds).toContain('Cablevision');
    expect(started).toMatchObject({ status: 200, actionName: 'authenticate' });
    // Every call from the page was preflighted and then answered (DCR register and token, configuration, session).
    expect(answered.filter((a) => a.method === 'OPTIONS').map((a) => `${a.path} ${a.status}`)).toEqual(['/o/client/register 200', '/o/client/token 200', `/api/v2/${SP}/configuration 200`, `/api/v2/${SP}/sessions 200`]);

    // The page polls while the user signs in on a second screen (a tab of its own), on the page's
    // own clock at Adobe's shortest interval (3 s). Before: a fake sleep of 50 ms also cut each poll's
    // deadline (the code's notAfter) to 50 ms, and a poll answered later than that (on a loaded
    // machine; here, every poll of the distant host) came back "expired".
    const polling = inPage<{ status: string; mvpd: string }>(app, `${setup}
      const polled = await m.pollProfileByCode(pass, { serviceProvider: sp, code: args.code, notAfter: args.notAfter, intervalMs: 3000, signal: AbortSignal.timeout(60000) });
      return { status: polled.status, mvpd: polled.mvpd };
    `, { api: t.url, sp: SP, statement: '', code: started.code, notAfter: started.notAfter });
    await withPage(async (screen) => {
      await screen.goto(started.url);
      await screen.fill('#username', 'alice');
      await screen.fill('#password', 'alice-password');
      await Promise.all([screen.waitForURL(`${t.url}/_mvpd/signed-in`), screen.click('#sign-in')]);
    });
    expect(await polling).toEqual({ status: 'authenticated', mvpd: 'Cablevision' });

    const rest = await inPage<{ authorized: boolean; token: boolean; logout: number; steps: string[]; performAuthentication: { name: string; kind: string; message: string } }>(app, `${setup}
      const { decisions } = await m.retrieveDecisions(pass, { kind: 'authorize', serviceProvider: sp, mvpd: 'Cablevision', resources: ['REF30'], headers: header });
      const logout = await pass.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: sp, mvpd: 'Cablevision' }, query: { redirectUrl: 'https://www.example-programmer.com/signed-out' }, header } });
      const failed = await m.performAuthentication(pass, { serviceProvider: sp, code: args.code }).then(() => ({ name: 'none' }), (e) => ({ name: e.name, kind: e.kind, message: e.message }));
      return { authorized: decisions.REF30.authorized, token: typeof decisions.REF30.token?.serializedToken === 'string', logout: logout.response.status, steps: m.interpretLogout(logout.data, args.api).map((s) => s.mvpd + ' ' + s.do), performAuthentication: failed };
    `, { api: t.url, sp: SP, statement: '', code: started.code });
    expect(rest).toMatchObject({ authorized: true, token: true, logout: 200 });
    expect(rest.steps).toContain('Cablevision openUrl');
    // A page cannot read a redirect: said so, instead of "the connection failed".
    expect(rest.performAuthentication).toMatchObject({ name: 'PassError', kind: 'protocol' });
    expect(rest.performAuthentication.message).toMatch(/a browser does not let a page read one \(an opaque redirect.*authenticationUrl/);
  }, 120_000);

  it('a request header outside Adobe\'s Access-Control-Allow-Headers is refused by the browser at the preflight, and the error says it may be that', async () => {
    await withPage(async (app) => {
      await app.goto(siteUrl);
      const before = answered.length;
      const failed = await inPage<{ name: string; kind: string; message: string }>(app, `
        const header = { ...m.deviceHeaders({ deviceId: 'web-device-2', device }), 'AP-Visitor-Identifier': 'visitor-1' };
        const pass = m.createPassClient({ baseUrl: args.api, dcr: { softwareStatement: args.statement, deviceInfo: m.buildDeviceInfo(device) } });
        return pass.GET('/api/v2/{serviceProvider}/profiles', { params: { path: { serviceProvider: args.sp }, header } }).then(() => ({ name: 'none' }), (e) => ({ name: e.name, kind: e.kind, message: e.message }));
      `, { api: t.url, sp: SP, statement: t.scenario.softwareStatements[0]!.statement });
      expect(failed).toMatchObject({ name: 'PassNetworkError', kind: 'network' });
      expect(failed.message).toContain('or the browser refused it: a cross-origin call the host\'s CORS answer does not allow');
      // The simulator answered the preflight; the browser never sent the request itself.
      const profiles = answered.slice(before).filter((a) => a.path === `/api/v2/${SP}/profiles`);
      expect(profiles.length).toBeGreaterThan(0);
      expect(new Set(profiles.map((a) => a.method))).toEqual(new Set(['OPTIONS']));
    });
  }, 60_000);
});

describe('the client in a page, throttled by the simulator as Adobe throttles', () => {
  it('reads the 429s (their cross-origin headers let it) and pauses, as in Node', async () => {
    const seen: { method: string; status: number }[] = [];
    const throttled = await startTestSimulator({ tune: (s) => { s.throttle.enabled = true; }, onRequest: (e) => seen.push(e) });
    try {
      await withPage(async (app) => {
        await app.goto(siteUrl);
        // DCR (2 requests) and 12 profile reads at once from one device: past Adobe's 1 per second and
        // burst of 10, some are answered 429, which a page can read only with the CORS headers on it.
        const statuses = await inPage<(number | string)[]>(app, `
          const header = m.deviceHeaders({ deviceId: 'web-device-4', device });
          const pass = m.createPassClient({ baseUrl: args.api, dcr: { softwareStatement: args.statement, deviceInfo: m.buildDeviceInfo(device) } });
          const read = () => pass.GET('/api/v2/{serviceProvider}/profiles', { params: { path: { serviceProvider: args.sp }, header } }).then((x) => x.response.status, (e) => e.name + ': ' + e.message);
          return Promise.all(Array.from({ length: 12 }, read));
        `, { api: throttled.url, sp: SP, statement: throttled.scenario.softwareStatements[0]!.statement });
        // Each call is answered or, after the client's 3 attempts, a PassRateLimitError saying when to
        // retry; none is "the connection failed" (a 429 without Access-Control-Allow-Origin would be).
        expect(statuses.filter((x) => x !== 200 && !String(x).startsWith('PassRateLimitError: '))).toEqual([]);
        expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(10);
        expect(seen.filter((e) => e.method !== 'OPTIONS' && e.status === 429).length).toBeGreaterThan(0);
      });
    } finally {
      await throttled.close();
    }
  }, 60_000);
});

describe('the mock from a page of another origin', () => {
  it('answers with a chosen example (Prefer) and lets the page read X-Pass-Mock-Violation', async () => {
    await withPage(async (app) => {
      await app.goto(siteUrl);
      const seen = await inPage<{ chosen: number; mvpds: number; rejected: number; violation: string | null }>(app, `
        const headers = { Authorization: 'Bearer a-token', ...m.deviceHeaders({ deviceId: 'web-device-3', device }) };
        const chosen = await fetch(args.mock + '/api/v2/REF30/configuration', { headers: { ...headers, Prefer: 'code=200' } });
        const body = await chosen.json();
        const rejected = await fetch(args.mock + '/api/v2/REF30/configuration', { headers: { ...headers, 'X-Device-Info': 'not base64 JSON' } });
        return { chosen: chosen.status, mvpds: body.requestor.mvpds.length, rejected: rejected.status, violation: rejected.headers.get('X-Pass-Mock-Violation') };
      `, { mock: mock.url });
      expect(seen).toMatchObject({ chosen: 200, rejected: 400 });
      expect(seen.mvpds).toBeGreaterThan(0);
      expect(seen.violation).toMatch(/X-Device-Info/i);
    });
  }, 60_000);
});

describe('the client in a page that is not a secure context', () => {
  // A programmer's internal site on plain http (http://tv.example here, served by the test through
  // the browser's routing, so nothing leaves the machine): browsers give Web Crypto only to https
  // pages and localhost. Before: deriveStableDeviceId failed with "Cannot read properties of
  // undefined (reading 'digest')".
  it('deriveStableDeviceId says it needs a secure context; the headers that need no Web Crypto still build', async () => {
    await withPage(async (app) => {
      await app.route('http://tv.example/**', (route) => route.fulfill({ status: 200, ...siteFile(new URL(route.request().url()).pathname) }));
      await app.goto('http://tv.example/');
      const seen = await inPage<{ secure: boolean; error: string; identifier: string }>(app, `
        let error = '';
        try { await m.deriveStableDeviceId('a-platform-id'); } catch (e) { error = e.name + ': ' + e.message; }
        return { secure: isSecureContext, error, identifier: m.buildDeviceIdentifier('a-stable-id') };
      `, {});
      expect(seen.secure).toBe(false);
      expect(seen.error).toMatch(/^Error: deriveStableDeviceId needs Web Crypto \(crypto\.subtle\)/);
      expect(seen.error).toMatch(/secure context/);
      expect(seen.identifier).toMatch(/^fingerprint /);
    });
  }, 60_000);
});
