// The authentication URL is for a user agent: the client never follows its redirect (to the
// MVPD's HTML login page), exposes Location, and builds the URL to open.
import { afterEach, describe, expect, it } from 'vitest';
import { authenticationUrl, createTypedClient, PassError, performAuthentication } from '../../../packages/client/src/index.ts';
import { startFakeAdobe, type FakeAdobe } from '../support/fake-adobe.ts';
import { exposed, passFor, rejection } from '../support/pass.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());

describe('performAuthentication', () => {
  it('returns the redirect (Location made absolute) without following it to the MVPD page', async () => {
    adobe = await startFakeAdobe();
    const { pass } = passFor(adobe);
    expect(await performAuthentication(pass, { serviceProvider: 'REF30', code: '8ER640M' })).toEqual({ status: 302, location: `${adobe.baseUrl}/mvpd/login?session=xyz` });
    expect(adobe.hits.map((h) => h.op)).toEqual(['authenticate']);
    expect(adobe.hits[0]!.headers.authorization).toBeUndefined();
  });

  it('does not follow redirects with the bare typed client either', async () => {
    adobe = await startFakeAdobe();
    const typed = createTypedClient({ baseUrl: adobe.baseUrl });
    const { response } = await typed.GET('/api/v2/authenticate/{serviceProvider}/{code}', { params: { path: { serviceProvider: 'REF30', code: '8ER640M' } } });
    expect(response.status).toBe(302);
    expect(adobe.count('mvpdLogin')).toBe(0);
  });

  it("turns Adobe's HTML error page (unknown code) into a PassError without the page", async () => {
    adobe = await startFakeAdobe({ overrides: { authenticate: () => ({ status: 400, html: '<html>Unknown code CANARY-page</html>' }) } });
    const { pass } = passFor(adobe);
    const error = await rejection(performAuthentication(pass, { serviceProvider: 'REF30', code: 'NOPE' }));
    expect(error).toBeInstanceOf(PassError);
    expect(error.message).toMatch(/HTTP 400 with a body that is not JSON/);
    expect(exposed(error)).not.toContain('CANARY');
  });

  // The location goes to the user's browser or a web view: a `javascript:` or `data:` one from a
  // hostile or compromised answer would run there. Adobe redirects to the MVPD's https login page.
  it.each(['javascript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox', 'file:///etc/passwd'])('refuses a redirect to %s without repeating it', async (target) => {
    adobe = await startFakeAdobe({ overrides: { authenticate: () => ({ status: 302, html: '', headers: { Location: target } }) } });
    const { pass } = passFor(adobe);
    const error = await rejection(performAuthentication(pass, { serviceProvider: 'REF30', code: 'X' }));
    expect(error).toMatchObject({ name: 'PassError', kind: 'protocol', message: 'GET /api/v2/authenticate/{serviceProvider}/{code}: HTTP 302 with a Location that is not an http(s) URL' });
  });

  it('reports a redirect without Location', async () => {
    adobe = await startFakeAdobe({ overrides: { authenticate: () => ({ status: 302, html: '' }) } });
    const { pass } = passFor(adobe);
    expect((await rejection(performAuthentication(pass, { serviceProvider: 'REF30', code: 'X' }))).message).toBe('GET /api/v2/authenticate/{serviceProvider}/{code}: HTTP 302 without a Location header');
  });
});

describe('authenticationUrl', () => {
  it('builds the URL a browser opens, encoding the segments', () => {
    expect(authenticationUrl('https://sp.auth.adobe.com/', 'REF30', '8ER640M')).toBe('https://sp.auth.adobe.com/api/v2/authenticate/REF30/8ER640M');
    expect(authenticationUrl('https://sp.auth.adobe.com', 'REF 30', 'a/b')).toBe('https://sp.auth.adobe.com/api/v2/authenticate/REF%2030/a%2Fb');
    expect(() => authenticationUrl('https://sp.auth.adobe.com', 'REF30', '')).toThrow(/must be non-empty/);
    // A query would swallow the path (`/?x=1/api/v2/…`), a password would go to the user's browser.
    expect(() => authenticationUrl('https://sp.auth.adobe.com/?x=1', 'REF30', '8ER640M')).toThrow(new TypeError('authenticationUrl: baseUrl must not carry a query or fragment: each call adds its own path and query'));
    expect(() => authenticationUrl('https://user:Canary-pw-77@sp.auth.adobe.com', 'REF30', '8ER640M')).toThrow(/^authenticationUrl: baseUrl must not carry a user or password/);
  });
});
