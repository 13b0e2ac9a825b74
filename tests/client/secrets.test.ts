// Canaries: a host that echoes the software statement, the client secret and the access token back
// in every place a server can put text — OAuth `error` / `error_description`, enhanced-error
// fields, HTML pages, plain bodies, headers. None may reach an error message or a log entry.
import { afterEach, describe, expect, it } from 'vitest';
import { createPassClient, createTypedClient, DcrTokenManager, Redactor, safeCode, type LogEntry } from '../../packages/client/src/index.ts';
import { enhanced, SECRET_PREFIX, startFakeAdobe, STATEMENT, type FakeAdobe, type Hit, type Reply } from './support/fake-adobe.ts';
import { loggingFetch } from './support/logging-fetch.ts';
import { configuration, deviceInfo, exposed, logout, passFor, rejection } from './support/pass.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());

/** The bearer token of a request, or the secret of a token request: what a hostile host echoes. */
const echoOf = (hit: Hit) => (hit.headers.authorization ?? '').replace('Bearer ', '') || new URLSearchParams(hit.body).get('client_secret') || STATEMENT;

describe('secrets never reach messages or logs', () => {
  it('from a host that echoes them everywhere', async () => {
    const echo = (kind: string) => (hit: Hit) => {
      const secret = echoOf(hit);
      switch (kind) {
        case 'oauth':
          return { status: 400, json: { error: secret, error_description: `bad client_secret ${secret}` } };
        case 'enhanced':
          return enhanced(403, secret, 'none', { message: secret, details: secret });
        case 'html':
          return { status: 502, html: `<html>${secret}</html>` };
        case 'text':
          return { status: 200, text: secret, contentType: `text/${secret.toLowerCase().replace(/[^a-z]/g, '')}` };
        default:
          return { status: 429, html: secret, headers: { 'Retry-After': secret } };
      }
    };
    const errors: unknown[] = [];
    const entries: LogEntry[] = [];
    const attempt = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        errors.push(e);
      }
    };

    for (const kind of ['enhanced', 'html', 'text', '429']) {
      adobe = await startFakeAdobe({ overrides: { configuration: echo(kind), logout: echo(kind) } });
      const { pass } = passFor(adobe, { logger: (e) => entries.push(e), rateLimit: { maxRetries: 0 } });
      await attempt(configuration(pass, { cache: 'no-store' }));
      await attempt(logout(pass));
      await adobe.close();
    }
    for (const op of ['register', 'token'] as const) {
      adobe = await startFakeAdobe({ overrides: { [op]: echo('oauth') } });
      const { pass } = passFor(adobe, { logger: (e) => entries.push(e) });
      await attempt(logout(pass));
      await adobe.close();
    }

    expect(errors.length).toBeGreaterThanOrEqual(6);
    const written = [...errors.map(exposed), JSON.stringify(entries)].join('\n');
    expect(written).not.toContain('CANARY');
    expect(written).not.toContain(STATEMENT.slice(0, 12));
    // The messages still say what happened.
    expect(errors.map((e) => (e as Error).message)).toEqual(expect.arrayContaining([
      'DCR registration failed: HTTP 400', 'DCR token request failed: HTTP 400',
      expect.stringMatching(/^GET \/api\/v2\/\{serviceProvider\}\/configuration: HTTP 502 with a body that is not JSON \(\d+ bytes of text\/html; the body is not shown\)$/),
      expect.stringMatching(/HTTP 200 with a body that is not JSON \(\d+ bytes of undeclared or unrecognised type; the body is not shown\)$/),
    ]));
  });

  it('even when the secret looks like an error code (lower case, underscores)', async () => {
    const secret = 'quiet_lowercase_secret_value';
    adobe = await startFakeAdobe({
      overrides: {
        register: () => ({ status: 201, json: { client_id: 'c1', client_secret: secret, client_id_issued_at: 1, redirect_uris: [], grant_types: ['client_credentials'], scopes: ['api:client:v2'] } }),
        token: () => ({ status: 400, json: { error: secret } }),
      },
    });
    const error = await rejection(new DcrTokenManager({ baseUrl: adobe.baseUrl, deviceInfo, softwareStatement: STATEMENT, clock: adobe.clock }).getAccessToken());
    expect(error.message).toBe('DCR token request failed: HTTP 400');
    expect(exposed(error)).not.toContain(secret.slice(0, 8));
  });

  // A secret chosen so that its echoes slip past the token-like pattern: its JSON-escaped form
  // breaks into short runs at `\"` and `\\`, and its base64 has no digit and no capital (it even
  // looks like an error code). Its forms are written out by hand.
  const ODD_SECRET = 'nIcjKsvW"rLazX\\jYenHirJo';
  const ODD_JSON = 'nIcjKsvW\\"rLazX\\\\jYenHirJo';
  const ODD_BASE64 = 'bkljaktzdlcickxhelhcalllbkhpckpv';
  /** JSON in JSON: the request's JSON put into a string field, escaped again by the body. */
  const ODD_NESTED = 'nIcjKsvW\\\\\\"rLazX\\\\\\\\jYenHirJo';
  const oddEcho = (): Reply => ({
    status: 400,
    json: { error: ODD_BASE64, error_description: `client_secret ${ODD_SECRET} is not valid`, request: JSON.stringify({ secret: ODD_SECRET }) },
    headers: { 'WWW-Authenticate': `Basic realm="pass", error="${ODD_BASE64}"`, 'X-Echo': ODD_JSON },
  });

  it('from a host that echoes the client secret JSON-escaped (also twice) and base64-encoded (errors, and logs through the Redactor)', async () => {
    adobe = await startFakeAdobe({ overrides: { token: oddEcho } });
    const redactor = new Redactor();
    // The application logs every response through the manager's Redactor.
    const { fetch: fetchAndLog, raw, logged } = loggingFetch(redactor);
    const manager = new DcrTokenManager({ baseUrl: adobe.baseUrl, deviceInfo, clientCredentials: { clientId: 'client-odd', clientSecret: ODD_SECRET }, clock: adobe.clock, fetch: fetchAndLog, redactor });
    const error = await rejection(manager.getAccessToken());

    // The host did echo both forms, in the body and in headers.
    expect(raw.join('\n')).toContain(`"error":"${ODD_BASE64}"`);
    expect(raw.join('\n')).toContain(`"error_description":"client_secret ${ODD_JSON} is not valid"`);
    expect(raw.join('\n')).toContain(`x-echo: ${ODD_JSON}`);
    expect(raw.join('\n')).toContain(`"request":"{\\"secret\\":\\"${ODD_NESTED}\\"}"`);
    expect(raw.join('\n')).toContain(`www-authenticate: Basic realm="pass", error="${ODD_BASE64}"`);
    expect(error.message).toBe('DCR token request failed: HTTP 400');
    expect(logged.join('\n')).toContain('client_secret [redacted] is not valid');
    expect(logged.join('\n')).toContain('x-echo: [redacted]');
    const written = [exposed(error), ...logged].join('\n');
    expect(logged.join('\n')).toContain('"request":"{\\"secret\\":\\"[redacted]\\"}"');
    for (const form of [ODD_SECRET, ODD_JSON, ODD_NESTED, ODD_BASE64]) expect(written).not.toContain(form.slice(0, 8));
    expect(written).not.toContain('rLazX');
  });

  it('a client secret pasted with its line break, echoed trimmed by a host that trims what it reads', async () => {
    // Lower case and underscores, so that it even passes for an error code; no digit, so the token-like rule leaves it.
    const pasted = 'pasted_client_secret_words\n';
    const trimmed = pasted.trim();
    adobe = await startFakeAdobe({
      overrides: { token: () => ({ status: 400, json: { error: trimmed, error_description: `client_secret ${trimmed} is not valid` }, headers: { 'X-Echo': trimmed } }) },
    });
    const redactor = new Redactor();
    const { fetch: fetchAndLog, raw, logged } = loggingFetch(redactor);
    const manager = new DcrTokenManager({ baseUrl: adobe.baseUrl, deviceInfo, clientCredentials: { clientId: 'client-pasted', clientSecret: pasted }, clock: adobe.clock, fetch: fetchAndLog, redactor });
    const error = await rejection(manager.getAccessToken());
    expect(raw.join('\n')).toContain(`"error_description":"client_secret ${trimmed} is not valid"`);
    expect(error.message).toBe('DCR token request failed: HTTP 400');
    const written = [exposed(error), ...logged].join('\n');
    expect(written).not.toContain('pasted_client');
    expect(written).not.toContain('secret_words');
  });

  it('a secret issued at registration and echoed base64-encoded where the error code belongs', async () => {
    adobe = await startFakeAdobe({
      overrides: {
        register: () => ({ status: 201, json: { client_id: 'c1', client_secret: ODD_SECRET, client_id_issued_at: 1, redirect_uris: [], grant_types: ['client_credentials'], scopes: ['api:client:v2'] } }),
        token: oddEcho,
      },
    });
    const error = await rejection(new DcrTokenManager({ baseUrl: adobe.baseUrl, deviceInfo, softwareStatement: STATEMENT, clock: adobe.clock }).getAccessToken());
    expect(error.message).toBe('DCR token request failed: HTTP 400');
    expect(exposed(error)).not.toContain(ODD_BASE64.slice(0, 8));
  });

  it('the Redactor drops credential fields of JSON and form text, whatever their length, and learns them for echoes elsewhere', () => {
    const redactor = new Redactor();
    // The answer that issues a secret, logged before anyone has read it (PHP-style `\/` included).
    const issued = '{"client_id":"client-7","client_secret" : "s\\/cr\\"t 1ong","access_token":"tiny"}';
    expect(redactor.text(issued)).toBe('{"client_id":"client-7","client_secret" : "[redacted]","access_token":"[redacted]"}');
    // What was learned goes wherever it shows up later, in any form; short values are not learned.
    expect(redactor.text('echo s/cr"t 1ong, s%2Fcr%22t%201ong, s%2Fcr%22t+1ong, cy9jciJ0IDFvbmc=; tiny stays')).toBe('echo [redacted], [redacted], [redacted], [redacted]; tiny stays');
    expect(redactor.text('grant_type=client_credentials&client_id=client-7&client_secret=x%2By&refresh_token=')).toBe('grant_type=client_credentials&client_id=client-7&client_secret=[redacted]&refresh_token=[redacted]');
  });

  it('the Redactor keeps at most 256 values learned from text (the oldest go first), and always what it was given', () => {
    const redactor = new Redactor();
    // Letters only, so that the token-like rule cannot be what removes them.
    const given = 'given-statement-words';
    const value = (i: number) => `learned-${String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26))}-value`;
    redactor.add(given);
    for (let i = 0; i < 300; i++) expect(redactor.text(`{"refresh_token":"${value(i)}"}`)).toBe('{"refresh_token":"[redacted]"}');
    // 300 learned: the first 44 are forgotten, the last 256 are not; the given one stays.
    expect(redactor.text(`${value(0)} ${value(43)} ${value(44)} ${value(299)} ${given}`)).toBe(`${value(0)} ${value(43)} [redacted] [redacted] [redacted]`);
  });

  it('a base URL with a password is refused when the client is built, without repeating it (fetch would quote the whole URL at the first call)', async () => {
    const canary = `${SECRET_PREFIX}-url-password`;
    const tokens = { getAccessToken: async () => 'token', invalidate: async () => {} };
    // Left to fetch, the password reaches the error: what the client used to throw at the first call.
    const fromFetch = await rejection(Promise.resolve().then(() => new Request(`https://pass-user:${canary}@sp.auth-staging.adobe.com/api/v2/REF30/configuration`)));
    expect(exposed(fromFetch)).toContain(canary);
    for (const baseUrl of [`https://pass-user:${canary}@sp.auth-staging.adobe.com`, `http://pass-user:${canary}@127.0.0.1:99999`, `https://${canary}@sp.auth-staging.adobe.com`]) {
      const builds = {
        createPassClient: () => createPassClient({ baseUrl, tokens }),
        createTypedClient: () => createTypedClient({ baseUrl }),
        DcrTokenManager: () => new DcrTokenManager({ baseUrl, deviceInfo, softwareStatement: STATEMENT }),
      };
      for (const [owner, build] of Object.entries(builds)) {
        let error: unknown;
        try {
          build();
        } catch (e) {
          error = e;
        }
        expect(error, `${owner} with ${baseUrl.replace(canary, '…')}`).toBeInstanceOf(TypeError);
        expect((error as Error).message).toMatch(new RegExp(`^${owner}: baseUrl (must not carry a user or password|is not a URL)`));
        expect(exposed(error)).not.toContain(canary.slice(0, 12));
        expect(exposed(error)).not.toContain('pass-user');
      }
    }
    // A relative base URL (openapi-fetch allows one in a browser) and a plain host are still fine.
    expect(() => createTypedClient({ baseUrl: '/adobe' })).not.toThrow();
    expect(() => createPassClient({ baseUrl: 'https://sp.auth-staging.adobe.com', tokens })).not.toThrow();
  });

  it('keeps real error codes, drops anything token-like or known', () => {
    const redactor = new Redactor();
    redactor.add(`${SECRET_PREFIX}-1`, 'known_secret_words');
    expect(safeCode('invalid_client', redactor)).toBe('invalid_client');
    expect(safeCode('invalid_access_token_client_application', redactor)).toBe('invalid_access_token_client_application');
    expect([safeCode('known_secret_words', redactor), safeCode('Bearer x', redactor), safeCode('a'.repeat(200)), safeCode(42)]).toEqual([undefined, undefined, undefined, undefined]);
    expect(redactor.text(`token ${SECRET_PREFIX}-1 and eyJhbGciOiJSUzI1NiJ9.payload123.sig and ${encodeURIComponent(`${SECRET_PREFIX}-1`)}`)).toBe('token [redacted] and [redacted] and [redacted]');
  });
});
