// Canaries: a host that echoes the software statement, the client secret and the access token back
// in every place a server can put text — OAuth `error` / `error_description`, enhanced-error
// fields, HTML pages, plain bodies, headers. None may reach an error message or a log entry.
import { afterEach, describe, expect, it } from 'vitest';
import { DcrTokenManager, Redactor, safeCode, type LogEntry } from '../../packages/client/src/index.ts';
import { enhanced, SECRET_PREFIX, startFakeAdobe, STATEMENT, type FakeAdobe, type Hit } from './support/fake-adobe.ts';
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

  it('keeps real error codes, drops anything token-like or known', () => {
    const redactor = new Redactor();
    redactor.add(`${SECRET_PREFIX}-1`, 'known_secret_words');
    expect(safeCode('invalid_client', redactor)).toBe('invalid_client');
    expect(safeCode('invalid_access_token_client_application', redactor)).toBe('invalid_access_token_client_application');
    expect([safeCode('known_secret_words', redactor), safeCode('Bearer x', redactor), safeCode('a'.repeat(200)), safeCode(42)]).toEqual([undefined, undefined, undefined, undefined]);
    expect(redactor.text(`token ${SECRET_PREFIX}-1 and eyJhbGciOiJSUzI1NiJ9.payload123.sig and ${encodeURIComponent(`${SECRET_PREFIX}-1`)}`)).toBe('token [redacted] and [redacted] and [redacted]');
  });
});
