// The HAR reader streams entries out of any HAR 1.2 file; the recorder writes valid HAR after every
// exchange with every secret replaced by a reference.
import { copyFile, mkdtemp, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { entryBodyText, HarReadError, HarRecorder, readHarEntries, type ExchangeToRecord, type HarEntry } from '../../src/http/har.ts';
import { recordingSummary } from '../../src/http/recording.ts';
import { harValidator, leaks, readValidHar } from '../support/har-file.ts';

const dir = () => mkdtemp(join(tmpdir(), 'pass-har-'));
const collect = async (source: Parameters<typeof readHarEntries>[0], options = {}) => {
  const out: HarEntry[] = [];
  for await (const e of readHarEntries(source, options)) out.push(e);
  return out;
};

const entry = (i: number, extra: object = {}) => ({
  startedDateTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  time: 12,
  request: { method: 'GET', url: `https://sp.auth.adobe.com/api/v2/REF30/profiles?n=${i}`, httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'AP-Device-Identifier', value: 'fingerprint ZMOpdmljZQ==' }], queryString: [{ name: 'n', value: String(i) }], headersSize: -1, bodySize: 0 },
  response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: [], content: { size: 2, mimeType: 'application/json', text: '{"profiles":{"Télé 📺":{}}}' }, redirectURL: '', headersSize: -1, bodySize: 2 },
  cache: {},
  timings: { send: 0, wait: 12, receive: 0 },
  ...extra,
});

const har = (entries: unknown[]) => JSON.stringify({
  log: { version: '1.2', creator: { name: 'test', version: '1' }, pages: [{ id: 'p', title: 'entries inside pages are not entries', startedDateTime: '2026-01-01T00:00:00Z', pageTimings: {} }], entries, comment: 'after the entries' },
});

describe('readHarEntries', () => {
  it('yields every entry in file order, equal to what JSON.parse reads, skipping pages and creator', async () => {
    const d = await dir();
    const text = har([entry(1), entry(2, { _custom: { nested: [1, 2] } }), entry(3)]);
    await writeFile(join(d, 'a.har'), text);
    expect(await collect(join(d, 'a.har'))).toEqual(JSON.parse(text).log.entries);
  });

  it('reads a file that starts with a byte order mark, as Windows tools write one', async () => {
    const file = join(await dir(), 'bom.har');
    await writeFile(file, `\ufeff${har([entry(1), entry(2)])}`);
    expect(await collect(file)).toEqual(JSON.parse(har([entry(1), entry(2)])).log.entries);
    expect(await collect(Readable.from([`\ufeff${har([entry(3)])}`]))).toEqual([entry(3)]);
  });

  it('reassembles entries cut anywhere by the stream, multi-byte characters included', async () => {
    const text = har([entry(1), entry(2)]);
    const chunks = Buffer.from(text).reduce<Buffer[]>((acc, _b, i, all) => (i % 7 === 0 ? [...acc, Buffer.from(all.subarray(i, i + 7))] : acc), []);
    expect(await collect(Readable.from(chunks))).toEqual(JSON.parse(text).log.entries);
  });

  it('drops strings above the limit and marks the entry', async () => {
    const big = entry(1);
    big.response.content.text = 'x'.repeat(5000);
    const [read] = await collect(Readable.from([har([big])]), { maxStringChars: 1000 });
    expect(read!.response.content.text).toBe('');
    expect((read as unknown as { _truncated: boolean })._truncated).toBe(true);
  });

  it.each([
    ['not JSON', 'this is not json', /not valid JSON/],
    ['a JSON array', '[1,2]', /not a HAR file: the document is not a JSON object/],
    ['an object without log.entries', '{"log":{"version":"1.2","pages":[]}}', /not a HAR file: it has no log.entries array/],
    ['an entry that is not an object', '{"log":{"entries":[1]}}', /log.entries\[0\] is not an object/],
  ])('rejects %s with a HarReadError that says what is wrong', async (_what, text, message) => {
    await expect(collect(Readable.from([text]))).rejects.toThrow(message);
    await expect(collect(Readable.from([text]))).rejects.toBeInstanceOf(HarReadError);
  });

  it('yields the complete entries of a cut file, then says where it broke', async () => {
    const text = har([entry(1), entry(2), entry(3)]);
    const cut = text.slice(0, text.lastIndexOf('"startedDateTime"') + 40); // inside the third entry
    const seen: HarEntry[] = [];
    await expect((async () => {
      for await (const e of readHarEntries(Readable.from([cut]))) seen.push(e);
    })()).rejects.toThrow(/after 2 complete entries/);
    expect(seen).toHaveLength(2);
  });
});

const CANARY = {
  accessToken: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYW5hcnktYWNjZXNzIn0.c2lnbmF0dXJlLWNhbmFyeQ',
  clientSecret: 'canary-client-secret-7f3a9',
  softwareStatement: 'eyJhbGciOiJSUzI1NiJ9.eyJzb2Z0d2FyZSI6ImNhbmFyeSJ9.c3RhdGVtZW50LWNhbmFyeQ',
  urlPassword: 'canary-url-pass-55',
  mediaToken: 'canary-media-token-PHNpZ25hdHVyZT4=',
  cookie: 'canary-cookie-AWSALB-9911',
};

const exchange = (over: Partial<ExchangeToRecord> = {}): ExchangeToRecord => ({
  startedAt: Date.UTC(2026, 0, 1),
  durationMs: 15,
  request: { method: 'get', url: 'https://sp.auth.adobe.com/api/v2/REF30/configuration', headers: { authorization: `Bearer ${CANARY.accessToken}`, 'ap-device-identifier': 'fingerprint ZGV2' } },
  response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"requestor":{"mvpds":[]}}' },
  ...over,
});

describe('HarRecorder', () => {
  it('leaves a file that is valid HAR 1.2 (har-schema) after every exchange', async () => {
    const path = join(await dir(), 'rec.har');
    const recorder = await HarRecorder.create(path, { creator: { name: 'pass-contract test', version: '1' } });
    const valid = harValidator();
    expect(valid(JSON.parse(await readFile(path, 'utf8'))), JSON.stringify(valid.errors)).toBe(true);
    for (let i = 1; i <= 3; i++) {
      await recorder.record(exchange({ startedAt: Date.UTC(2026, 0, 1, 0, 0, i) }));
      const doc = JSON.parse(await readFile(path, 'utf8'));
      expect(valid(doc), JSON.stringify(valid.errors)).toBe(true);
      expect(doc.log.entries).toHaveLength(i);
    }
    await recorder.close();
    expect((await collect(path)).map((e) => e.startedDateTime)).toEqual(['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:03.000Z']);
  });

  it('follows its path when the file is rotated: moved aside (logrotate), removed, moved with an empty file created in its place, cut to nothing (copytruncate)', async () => {
    // Before: after a move the entries went on into the moved file (nothing at the path); after a
    // removal, into no file at all; after copytruncate, after a hole of NUL bytes no parser reads.
    const d = await dir();
    const path = join(d, 'rec.har');
    const recorder = await HarRecorder.create(path);
    const at = (n: number) => exchange({ startedAt: Date.UTC(2026, 0, 1, 0, 0, n) });
    const seconds = async (file: string) => (await readValidHar(file)).entries.map((e) => new Date(e.startedDateTime).getUTCSeconds());
    await recorder.record(at(1));
    await recorder.record(at(2));
    await rename(path, `${path}.1`);
    await recorder.record(at(3));
    await recorder.record(at(4));
    expect(await seconds(`${path}.1`)).toEqual([1, 2]);
    expect(await seconds(path)).toEqual([3, 4]);
    await rm(path);
    await recorder.record(at(5));
    expect(await seconds(path)).toEqual([5]);
    await rename(path, `${path}.2`);
    await writeFile(path, '', { mode: 0o600 });
    await recorder.record(at(6));
    expect(await seconds(`${path}.2`)).toEqual([5]);
    expect(await seconds(path)).toEqual([6]);
    await copyFile(path, `${path}.3`);
    await truncate(path, 0);
    await recorder.record(at(7));
    await recorder.record(at(8));
    await recorder.close();
    expect(await seconds(`${path}.3`)).toEqual([6]);
    expect(await seconds(path)).toEqual([7, 8]);
    expect([recorder.count, recorder.restarts]).toEqual([8, 4]);
    expect(recordingSummary({ path, count: 8, failures: 0, restarts: 4 })).toBe(`recorded 8 exchanges to ${path} (started again 4 times after the file was moved, removed or cut)`);
  });

  it('keeps every one of many concurrent exchanges', async () => {
    const path = join(await dir(), 'rec.har');
    const recorder = await HarRecorder.create(path);
    await Promise.all(Array.from({ length: 50 }, (_, i) => recorder.record(exchange({ startedAt: Date.UTC(2026, 0, 1) + i }))));
    await recorder.close();
    const entries = JSON.parse(await readFile(path, 'utf8')).log.entries as HarEntry[];
    expect(entries.map((e) => Date.parse(e.startedDateTime)).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => Date.UTC(2026, 0, 1) + i));
    await expect(recorder.record(exchange())).rejects.toThrow(/closed/);
  });

  it('writes no secret, not even a prefix, and names each token by the same reference wherever it appears', async () => {
    const path = join(await dir(), 'rec.har');
    const recorder = await HarRecorder.create(path);
    // Registration: the software statement goes up, client credentials come back.
    await recorder.record(exchange({
      request: { method: 'POST', url: 'https://sp.auth.adobe.com/o/client/register', headers: { 'content-type': 'application/json', 'x-device-info': 'e30=' }, body: JSON.stringify({ software_statement: CANARY.softwareStatement }) },
      response: { status: 201, headers: { 'content-type': 'application/json', 'set-cookie': `AWSALB=${CANARY.cookie}; Path=/` }, body: JSON.stringify({ client_id: 'client-1', client_secret: CANARY.clientSecret }) },
    }));
    // Token: form body with the secret, token in the response.
    await recorder.record(exchange({
      request: { method: 'POST', url: 'https://sp.auth.adobe.com/o/client/token', headers: [['Content-Type', 'application/x-www-form-urlencoded'], ['Cookie', `AWSALB=${CANARY.cookie}`]], body: `client_id=client-1&client_secret=${CANARY.clientSecret}&grant_type=client_credentials` },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: CANARY.accessToken, token_type: 'bearer', expires_in: 21600 }) },
    }));
    // A host that echoes secrets back in plain text, a custom header and a redirect; a URL with a password.
    await recorder.record(exchange({
      request: { method: 'GET', url: `https://user:${CANARY.urlPassword}@sp.auth.adobe.com/api/v2/REF30/configuration?access_token=${CANARY.accessToken}`, headers: new Headers({ Authorization: `Bearer ${CANARY.accessToken}` }) },
      response: { status: 302, headers: { 'content-type': 'text/plain', 'x-echo': `you sent ${CANARY.clientSecret}`, location: `https://elsewhere.example/?secret=${CANARY.clientSecret}` }, body: `echo: ${CANARY.clientSecret} ${CANARY.softwareStatement.slice(0, 40)}` },
    }));
    // A decision with a media token, and a response without Content-Type that is JSON all the same.
    await recorder.record(exchange({
      request: { method: 'POST', url: 'https://sp.auth.adobe.com/api/v2/REF30/decisions/authorize/Cablevision', headers: { authorization: `Bearer ${CANARY.accessToken}`, 'content-type': 'application/json' }, body: '{"resources":["REF30"]}' },
      response: { status: 200, headers: {}, body: new TextEncoder().encode(JSON.stringify({ decisions: [{ resourceId: 'REF30', authorized: true, token: { serializedToken: CANARY.mediaToken } }] })) },
    }));
    await recorder.close();

    const text = await readFile(path, 'utf8');
    for (const [name, secret] of Object.entries(CANARY)) {
      // A JWT's first part is a public header ({"alg":"RS256"}) that every JWT shares: look for the rest.
      const distinctive = secret.startsWith('eyJ') ? secret.split('.')[1]! : secret;
      expect(text, name).not.toContain(distinctive.slice(0, 10));
      expect(text, name).not.toContain(encodeURIComponent(distinctive).slice(0, 10));
    }
    const [register, token, echo, decision] = JSON.parse(text).log.entries as HarEntry[];
    const issued = JSON.parse(token!.response.content.text!).access_token as string;
    expect(issued).toMatch(/^\[redacted:[0-9a-f]{8}\]$/);
    expect(echo!.request.headers.find((h) => h.name.toLowerCase() === 'authorization')!.value).toBe(`Bearer ${issued}`);
    expect(decision!.request.headers.find((h) => h.name === 'authorization')!.value).toBe(`Bearer ${issued}`);
    // What the audit needs survives: client id, lifetime, decision, device header.
    expect(JSON.parse(register!.response.content.text!).client_id).toBe('client-1');
    expect(JSON.parse(token!.response.content.text!).expires_in).toBe(21600);
    expect(JSON.parse(entryBodyText(decision!.response.content)!).decisions[0].authorized).toBe(true);
    expect(echo!.request.url).toMatch(/^https:\/\/user:/);
    expect(echo!.request.queryString).toEqual([{ name: 'access_token', value: issued }]);
  });

  it('scrubs a secret a host echoes encoded (%-encoded, form-encoded, JSON-escaped, base64) and a cookie value echoed alone', async () => {
    const path = join(await dir(), 'rec.har');
    const recorder = await HarRecorder.create(path);
    const secret = 'cs+Canary/Secret==7f3a9c"q';
    const form = new URLSearchParams({ client_id: 'client-1', client_secret: secret, grant_type: 'client_credentials' }).toString();
    const echoes = [encodeURIComponent(secret), form, JSON.stringify({ note: `got ${secret}` }), Buffer.from(secret).toString('base64'), CANARY.cookie].join('\n');
    await recorder.record(exchange({
      request: { method: 'POST', url: 'https://sp.auth.adobe.com/o/client/token', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `AWSALB=${CANARY.cookie}; lang=en` }, body: form },
      response: { status: 400, headers: { 'content-type': 'text/plain', 'x-echo': encodeURIComponent(form) }, body: echoes },
    }));
    await recorder.close();
    expect(leaks(await readFile(path, 'utf8'), { secret, cookie: CANARY.cookie })).toEqual([]);
  });

  it('scrubs secret fields of a JSON body nested 50,000 deep, before the nesting or after it', async () => {
    // JSON.parse takes such a body; a recursive walk, a recursive copy and JSON.stringify overflow the
    // stack (from ≈5,000 levels). Twice 50,000 stays under the recorder's 256 KiB body limit.
    const path = join(await dir(), 'rec.har');
    const recorder = await HarRecorder.create(path);
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const secret = 'cs-Deep-Canary-4d1e9b';
    const body = `{"nested":${deep},"access_token":"${CANARY.accessToken}","more":[{"client_secret":"${secret}","x":${deep}}]}`;
    await recorder.record(exchange({ response: { status: 201, headers: { 'content-type': 'application/json' }, body } }));
    await recorder.close();
    const { text, entries } = await readValidHar(path);
    expect(leaks(text, { token: CANARY.accessToken, secret })).toEqual([]);
    // The body is kept whole (its nesting included), each secret replaced by its reference.
    expect(entries[0]!.response.content.text).toMatch(/^\{"nested":\[{50000}\]{50000},"access_token":"\[redacted:[0-9a-f]{8}\]","more":\[\{"client_secret":"\[redacted:[0-9a-f]{8}\]","x":\[{50000}\]{50000}\}\]\}$/);
  });

  it('keeps scrubbing the secrets it was configured with after more than 256 tokens were learned from the traffic', async () => {
    const path = join(await dir(), 'rec.har');
    const configured = 'configured-client-secret-5c2e';
    const recorder = await HarRecorder.create(path, { secrets: [configured] });
    // 300 devices, each with its own token: the recorder learns each and forgets the oldest past 256.
    for (let i = 0; i < 300; i++) {
      await recorder.record(exchange({ request: { method: 'GET', url: 'https://sp.auth.adobe.com/api/v2/REF30/configuration', headers: { authorization: `Bearer device-token-${i}-${'x'.repeat(20)}` } } }));
    }
    await recorder.record(exchange({ response: { status: 400, headers: { 'content-type': 'text/plain' }, body: `you sent ${configured}` } }));
    await recorder.close();
    expect(leaks(await readFile(path, 'utf8'), { configured })).toEqual([]);
  });

  it('replaces a secret that contains another one whole, whichever was learned first', async () => {
    const path = join(await dir(), 'rec.har');
    const short = 'canary-secret-4d1f';
    const long = `${short}-and-its-tail-9b2e`;
    const recorder = await HarRecorder.create(path, { secrets: [short] });
    const form = `client_id=client-1&client_secret=${long}&grant_type=client_credentials`;
    await recorder.record(exchange({
      request: { method: 'POST', url: 'https://sp.auth.adobe.com/o/client/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form },
      response: { status: 400, headers: { 'content-type': 'text/plain' }, body: `you sent ${long}` },
    }));
    await recorder.close();
    const text = await readFile(path, 'utf8');
    expect(leaks(text, { short, long, tail: long.slice(short.length) })).toEqual([]);
  });

  it('redacts a body above the limit before cutting it: no secret before the cut, none straddling it', async () => {
    const path = join(await dir(), 'rec.har');
    const limit = 200;
    const recorder = await HarRecorder.create(path, { maxBodyBytes: limit });
    const register = (body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      exchange({ request: { method: 'POST', url: 'https://sp.auth.adobe.com/o/client/register', headers: {} }, response: { status: 201, headers, body } });
    const padded = (before: number, after = 300) => JSON.stringify({ client_id: 'client-1', pad: 'p'.repeat(before), client_secret: CANARY.clientSecret, tail: 'q'.repeat(after) });
    // Whole secret before the cut; the secret's first 16 characters before the cut, the rest after it.
    const straddle = limit - `{"client_id":"client-1","pad":"","client_secret":"`.length - 16;
    await recorder.record(register(padded(10)));
    await recorder.record(register(padded(straddle)));
    // No Content-Type, and a multi-byte character where the cut falls: still text, still scrubbed.
    const accented = JSON.stringify({ client_secret: CANARY.clientSecret, note: 'é'.repeat(400) });
    await recorder.record(register(new TextEncoder().encode(accented), {}));
    // A form request body above the limit.
    await recorder.record(exchange({ request: { method: 'POST', url: 'https://sp.auth.adobe.com/o/client/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=client-1&client_secret=${CANARY.clientSecret}&pad=${'z'.repeat(400)}` } }));
    await recorder.close();
    const { text, entries } = await readValidHar(path);
    expect(leaks(text, { clientSecret: CANARY.clientSecret })).toEqual([]);
    expect(entries.map((e) => e.comment)).toEqual(Array(4).fill(`body cut at ${limit} bytes`));
    expect(entries.map((e) => Buffer.byteLength(e.response.content.text ?? e.request.postData!.text!) <= limit)).toEqual([true, true, true, true]);
    expect(entries[2]!.response.content.encoding).toBeUndefined();
    expect(entries[0]!.response.content.text).toMatch(/"client_secret":"\[redacted:[0-9a-f]{8}\]"/);
  });

  it('cuts bodies above the limit, says so, and keeps binary bodies as base64', async () => {
    const path = join(await dir(), 'rec.har');
    const recorder = await HarRecorder.create(path, { maxBodyBytes: 100 });
    await recorder.record(exchange({ response: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'y'.repeat(500) } }));
    await recorder.record(exchange({ response: { status: 200, headers: { 'content-type': 'image/png' }, body: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]) } }));
    await recorder.close();
    const [cut, binary] = await collect(path);
    expect(cut!.response.content.text).toHaveLength(100);
    expect(cut!.response.content.size).toBe(500);
    expect(cut!.comment).toMatch(/cut at 100 bytes/);
    expect(binary!.response.content.encoding).toBe('base64');
    expect([...Buffer.from(binary!.response.content.text!, 'base64')]).toEqual([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]);
  });
});
