// A hostile host that echoes the client's secrets back encoded — JSON-escaped (also with `\/`, and
// as .NET escapes), %-encoded (also with lower-case hex), form-encoded, base64 and base64url, on
// their own, inside longer base64, wrapped across lines as MIME base64 and as JSON inside a JSON
// string — in error bodies and headers. The real client talks to it through the real proxy (which
// checks the traffic and records it), and an application logs every answer through the client's Redactor. No canary
// may reach a thrown error, a log entry, a logged line, the HAR recording or the check's report:
// not whole, not as a 16-character slice, in none of those forms.
//
// The client secret is chosen so that its base64 is lower-case letters only (it passes for an OAuth
// error code) and its JSON-escaped form breaks at `\"` and `\\` into runs too short to look like a
// token: before the redactors shared their encoded forms (packages/client/src/secret-forms.ts), the
// client's Redactor knew only the raw and %-encoded forms and let both through.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createPassClient, DcrTokenManager, Redactor, type LogEntry } from '../../packages/client/src/index.ts';
import { loadDescription } from '../../src/description/index.ts';
import { startProxy } from '../../src/proxy/server.ts';
import { readValidHar } from '../support/har-file.ts';
import { loggingFetch } from './support/logging-fetch.ts';
import { deviceInfo, exposed, header, rejection } from './support/pass.ts';

const CANARY = {
  statement: 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImVjaG8ifQ.eyJpc3MiOiJlY2hvLWNhbmFyeS1zb2Z0d2FyZS1zdGF0ZW1lbnQifQ.U3RhdGVtZW50U2lnbmF0dXJlPz8-',
  clientSecret: 'jGdk+"nGkj\\kjw/rHbo7 k+/vHlzIc',
  accessToken: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJlY2hvLWNhbmFyeS1hY2Nlc3MtdG9rZW4iLCJ4IjoiPj4_In0.QWNjZXNzU2ln-_w',
};

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');

/**
 * The secret inside a MIME base64 blob (76 characters a line, CRLF), after 45 bytes that fill the
 * first 60 characters, so a line break falls inside it; and the characters that carry only the
 * secret, line by line (joined by NUL, which no output has, so that no slice spans a break).
 */
function mime(secret: string): { wrapped: string; pieces: string } {
  const text = b64(`${'x'.repeat(45)}${secret}`);
  const core = text.slice(60, Math.floor((8 * (45 + Buffer.byteLength(secret))) / 6));
  const pieces = [core.slice(0, 16), ...(core.slice(16).match(/.{1,76}/g) ?? [])];
  return { wrapped: text.match(/.{1,76}/g)!.join('\r\n'), pieces: pieces.join('\0') };
}

/** Every way the host echoes `secret`, by name: what a value in a JSON body or a header may carry. */
function echoes(secret: string): Record<string, string> {
  return {
    raw: secret, // JSON.stringify escapes it on the wire: `\"`, `\\`
    uri: encodeURIComponent(secret),
    lowerhex: encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    form: new URLSearchParams({ v: secret }).toString().slice(2),
    b64: b64(secret),
    b64url: b64url(secret),
    // Inside longer base64, at each of the three byte offsets: Basic credentials, a base64 blob.
    basic: b64(`client-1:${secret}`),
    at1: b64(`{${secret}}`),
    at2: b64url(`["${secret}`),
    // Wrapped across lines (bodies only: a header has no line breaks).
    mime: mime(secret).wrapped,
    // JSON in JSON: the request's JSON put into a string, which the body escapes once more.
    nested: JSON.stringify({ s: secret }),
  };
}

/** A JSON string's contents as .NET's System.Text.Json writes them: <>&'"`+ and non-ASCII as \uXXXX (upper-case hex), \ as \\. */
const dotnet = (s: string) => s.replace(/[\\<>&'"`+\u0080-\uffff]/g, (c) => (c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`));

/**
 * A JSON body as PHP writes it (`\/` for `/`) with every echo of every secret, one of them as .NET
 * escapes it (`dotnet<i>`), and the same as headers.
 */
function echoReply(res: ServerResponse, status: number, fields: Record<string, unknown>, secrets: string[]): void {
  const echo: Record<string, string> = {};
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  secrets.forEach((secret, i) => {
    for (const [form, value] of Object.entries(echoes(secret))) {
      echo[`${form}${i}`] = value;
      if (form !== 'mime') headers[`X-Echo-${form}-${i}`] = form === 'raw' ? JSON.stringify(secret).slice(1, -1) : value;
    }
  });
  headers['WWW-Authenticate'] = `Basic realm="pass", error="${echo.b640}"`;
  secrets.forEach((secret, i) => {
    echo[`dotnet${i}`] = `DOTNET-${i}`;
    headers[`X-Echo-dotnet-${i}`] = dotnet(secret);
  });
  let body = JSON.stringify({ ...fields, echo }).replace(/\//g, '\\/');
  secrets.forEach((secret, i) => (body = body.replace(`"DOTNET-${i}"`, `"${dotnet(secret)}"`)));
  res.writeHead(status, headers).end(body);
}

/**
 * register: 400 echoing the statement, then 201 issuing the client secret; token: 201 issuing the
 * access token, then 400 echoing all three with the secret's base64 as the error code;
 * configuration: 401 (expired token) echoing all three, so that the client renews its token.
 */
async function hostileHost(cleanup: (() => Promise<unknown>)[]) {
  const counts = new Map<string, number>();
  const all = [CANARY.statement, CANARY.clientSecret, CANARY.accessToken];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume().on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      if (path === '/o/client/register') {
        if (n === 1) return echoReply(res, 400, { error: 'invalid_software_statement', error_description: `software_statement ${CANARY.statement} is not valid` }, [CANARY.statement]);
        res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ client_id: 'client-1', client_secret: CANARY.clientSecret, client_id_issued_at: 1, redirect_uris: [], grant_types: ['client_credentials'], scopes: ['api:client:v2'] }));
        return;
      }
      if (path === '/o/client/token') {
        if (n === 1) {
          res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: 't1', access_token: CANARY.accessToken, created_at: Date.now(), expires_in: 3600, token_type: 'bearer' }));
          return;
        }
        return echoReply(res, 400, { error: b64(CANARY.clientSecret), error_description: `client_secret ${CANARY.clientSecret} for ${CANARY.accessToken} is not valid` }, all);
      }
      if (path === '/api/v2/REF30/configuration') {
        return echoReply(res, 401, { action: 'none', status: 401, code: 'invalid_access_token_expired', message: `token ${CANARY.accessToken} expired` }, all);
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counts };
}

/** Which canary leaked into `text`, and how: any 16-character slice (or the whole, if shorter) of any echoed form. */
function leaks(text: string): string[] {
  const found = new Set<string>();
  for (const [name, secret] of Object.entries(CANARY)) {
    const json = JSON.stringify(secret).slice(1, -1);
    const forms = { ...echoes(secret), mime: mime(secret).pieces, json, php: json.replace(/\//g, '\\/'), nestedPhp: JSON.stringify(json).slice(1, -1).replace(/\//g, '\\/'), dotnet: dotnet(secret) };
    for (const [form, value] of Object.entries(forms)) {
      for (let i = 0; i + Math.min(16, value.length) <= value.length; i++) {
        if (text.includes(value.slice(i, i + 16))) found.add(`${name} (${form}: ${value.slice(i, i + 16)})`);
      }
    }
  }
  return [...found];
}

const description = loadDescription();
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

it('no echoed secret reaches errors, log entries, logged lines, the HAR recording or the check report', async () => {
  const host = await hostileHost(cleanup);
  const dir = await mkdtemp(join(tmpdir(), 'pass-echoed-secrets-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const har = join(dir, 'traffic.har');
  const proxy = await startProxy({ upstream: host.url, port: 0, reportDir: dir, description, record: har });
  cleanup.push(() => proxy.close());

  // The application's own logging: every answer, redacted by the Redactor the token manager fills.
  const redactor = new Redactor();
  const { fetch: logging, raw, logged } = loggingFetch(redactor);
  const entries: LogEntry[] = [];
  const logger = (e: LogEntry) => entries.push(e);
  const tokens = new DcrTokenManager({ baseUrl: proxy.url, deviceInfo, softwareStatement: CANARY.statement, redactor, fetch: logging, logger });
  const pass = createPassClient({ baseUrl: proxy.url, tokens, fetch: logging, logger, retry: false });

  const errors: Error[] = [];
  errors.push(await rejection(tokens.getAccessToken()));
  // Registered now; the configuration call gets a 401, the renewal a 400.
  errors.push(await rejection(pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF30' }, header } })));
  await proxy.close();

  // The host did what it is here for: each secret went out in each form, in bodies and in headers.
  expect(Object.fromEntries(host.counts)).toEqual({ '/o/client/register': 2, '/o/client/token': 2, '/api/v2/REF30/configuration': 1 });
  const sent = raw.join('\n');
  const php = (value: string) => JSON.stringify(value).slice(1, -1).replace(/\//g, '\\/');
  Object.values(CANARY).forEach((secret, i) => {
    for (const [form, value] of Object.entries(echoes(secret))) {
      expect(sent).toContain(`"${form}${i}":"${php(value)}"`);
      if (form !== 'mime') expect(sent).toContain(`x-echo-${form}-${i}: ${form === 'raw' ? JSON.stringify(value).slice(1, -1) : value}`);
    }
    expect(sent).toContain(`"dotnet${i}":"${dotnet(secret)}"`);
    expect(sent).toContain(`x-echo-dotnet-${i}: ${dotnet(secret)}`);
  });
  expect(b64(CANARY.clientSecret)).toMatch(/^[a-z]+$/);
  expect(sent).toContain(`"error":"${b64(CANARY.clientSecret)}"`);

  const { text: harText, entries: harEntries } = await readValidHar(har);
  expect(harEntries.map((e) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response.status}`)).toEqual([
    'POST /o/client/register 400', 'POST /o/client/register 201', 'POST /o/client/token 201', 'GET /api/v2/REF30/configuration 401', 'POST /o/client/token 400',
  ]);
  const report = await Promise.all(['summary.md', 'report.json', 'junit.xml'].map((f) => readFile(join(dir, f), 'utf8')));
  const results = (JSON.parse(report[1]!) as { results: { name: string; drifts: { pointer: string; actual?: string }[] }[] }).results;
  expect(results.map((r) => r.name)).toEqual(['POST /o/client/register #1', 'POST /o/client/register #2', 'POST /o/client/token #3', 'GET /api/v2/REF30/configuration #4', 'POST /o/client/token #5']);

  expect({
    errors: leaks(errors.map(exposed).join('\n')),
    logEntries: leaks(JSON.stringify(entries)),
    logged: leaks(logged.join('\n')),
    har: leaks(harText),
    report: leaks(report.join('\n')),
  }).toEqual({ errors: [], logEntries: [], logged: [], har: [], report: [] });

  // The errors still say what happened, with a real error code and never the disguised secret.
  expect(errors.map((e) => e.message)).toEqual(['DCR registration failed: HTTP 400 (invalid_software_statement)', 'DCR token request failed: HTTP 400']);
  expect(logged.join('\n')).toContain('"client_secret":"[redacted]"');
  // The echoes are in the recording and in the report (as undescribed fields), redacted.
  expect(harEntries[4]!.response.content.text).toMatch(/"basic1":"Y2xpZW50LTE6\[redacted:[0-9a-f]{8}\]"/);
  expect(results[4]!.drifts.find((d) => d.pointer === '/echo')?.actual).toContain('"b640":"[redacted]"');
});
