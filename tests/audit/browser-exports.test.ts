// The audit reads HAR files as browsers export them, not only as our recorder writes them. Chrome's
// DevTools (the shape below: HTTP/2 pseudo-headers, lower-case names, the browser's own headers,
// `_`-prefixed extensions, -1 timings, a failed request with status 0) exports a *sanitized* HAR by
// default: Authorization, Cookie and Set-Cookie are left out. A web integration's traffic exported
// that way must not read as "every request without Authorization" (a MUST failure), since Adobe
// answered those requests, which it does only for requests that carry the token.
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { auditFiles } from '../../src/audit/audit.ts';
import { dcrHeaders, description, device, entry, failures, noProfile, outcome, session, SP, T0, tokenBody, tokenResponse, writeHar, type Call } from './support/har.ts';

const ORIGIN = 'https://watch.tv.example';
const browser = (headers: Record<string, string>) => ({ ...headers, 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36' });

/** A web app's session: DCR, configuration, a session, two polls, an authorization, a logout. */
const webApp: Call[] = [
  { at: 0, path: '/o/client/token', headers: browser(dcrHeaders), body: tokenBody(), response: tokenResponse('token-A') },
  { at: 400, path: `/api/v2/${SP}/configuration`, headers: browser(device()), response: { requestor: { mvpds: [] } } },
  { at: 8000, path: `/api/v2/${SP}/sessions`, headers: browser(device()), body: 'mvpd=Cablevision&domainName=tv.example&redirectUrl=https%3A%2F%2Fwatch.tv.example', status: 201, response: session('ABC123', T0 + 1_800_000) },
  { at: 12_000, path: `/api/v2/${SP}/profiles/code/ABC123`, headers: browser({ Authorization: 'Bearer token-A', Accept: 'application/json' }), response: noProfile },
  { at: 16_000, path: `/api/v2/${SP}/profiles/code/ABC123`, headers: browser({ Authorization: 'Bearer token-A', Accept: 'application/json' }), response: noProfile },
  { at: 30_000, path: `/api/v2/${SP}/decisions/authorize/Cablevision`, headers: browser(device()), body: { resources: ['REF30'] }, response: { decisions: [{ resource: 'REF30', serviceProvider: SP, mvpd: 'Cablevision', source: 'mvpd', authorized: true }] } },
  { at: 600_000, path: `/api/v2/${SP}/logout/Cablevision?redirectUrl=https%3A%2F%2Fwatch.tv.example`, headers: browser(device()), response: { logouts: {} } },
];

/** Chrome's export of one entry: what DevTools writes, `sanitized` as its default export is. */
function chrome(c: Call, i: number, sanitized: boolean) {
  const e = entry(c) as ReturnType<typeof entry> & Record<string, unknown>;
  const url = new URL(e.request.url);
  const dropped = new Set(sanitized ? ['authorization', 'cookie', 'set-cookie'] : []);
  const lower = (hs: { name: string; value: string }[]) => hs.map((h) => ({ name: h.name.toLowerCase(), value: h.value })).filter((h) => !dropped.has(h.name));
  const headers = [
    { name: ':authority', value: url.host }, { name: ':method', value: e.request.method }, { name: ':path', value: url.pathname + url.search }, { name: ':scheme', value: 'https' },
    ...lower(e.request.headers),
    { name: 'accept-encoding', value: 'gzip, deflate, br, zstd' }, { name: 'accept-language', value: 'en-US,en;q=0.9' }, { name: 'origin', value: ORIGIN }, { name: 'priority', value: 'u=1, i' },
    { name: 'referer', value: `${ORIGIN}/` }, { name: 'sec-ch-ua', value: '"Chromium";v="142", "Not_A Brand";v="24"' }, { name: 'sec-ch-ua-mobile', value: '?0' }, { name: 'sec-ch-ua-platform', value: '"Linux"' },
    { name: 'sec-fetch-dest', value: 'empty' }, { name: 'sec-fetch-mode', value: 'cors' }, { name: 'sec-fetch-site', value: 'cross-site' },
    ...(sanitized ? [] : [{ name: 'cookie', value: 'AMCV_x=canary' }]),
  ];
  return {
    ...e,
    _initiator: { type: 'script' }, _priority: 'High', _resourceType: 'fetch', pageref: 'page_1', connection: String(40_000 + i), serverIPAddress: '[2600:1407:3c00::17d4:a4b]',
    time: (e.time as number) + 0.4321,
    request: { ...e.request, httpVersion: 'http/2.0', headers },
    response: { ...e.response, httpVersion: 'http/2.0', headers: lower(e.response.headers), _transferSize: 512, _error: null },
    timings: { blocked: 1.2, dns: -1, ssl: -1, connect: -1, send: 0.1, wait: 20, receive: 0.3, _blocked_queueing: 0.8, _workerStart: -1, _workerReady: -1, _workerFetchStart: -1, _workerRespondWithSettled: -1 },
  };
}

/** A request the browser never got an answer to (the network went away): status 0, `_error`. */
const failed = (i: number, sanitized: boolean) => {
  const e = chrome({ at: 700_000, path: `/api/v2/${SP}/profiles`, headers: browser(device()), response: noProfile }, i, sanitized);
  return { ...e, response: { ...e.response, status: 0, statusText: '', headers: [], content: { size: 0, mimeType: 'x-unknown' }, _error: 'net::ERR_INTERNET_DISCONNECTED' } };
};

async function chromeExport(sanitized: boolean, calls = webApp): Promise<string> {
  const path = await writeHar([], 'chrome.har');
  const log = {
    version: '1.2', creator: { name: 'WebInspector', version: '537.36' },
    pages: [{ startedDateTime: new Date(T0 - 500).toISOString(), id: 'page_1', title: `${ORIGIN}/`, pageTimings: { onContentLoad: 310.2, onLoad: 402.9 } }],
    entries: [...calls.map((c, i) => chrome(c, i, sanitized)), failed(calls.length, sanitized)],
  };
  await writeFile(path, JSON.stringify({ log }, null, 2));
  return path;
}

describe("a browser's HAR export (Chrome DevTools)", () => {
  it('with sensitive data: audited like our own recordings, the browser\'s own headers and HTTP/2 pseudo-headers accepted', async () => {
    const report = await auditFiles([await chromeExport(false)], { description });
    expect(report.traffic).toMatchObject({ entries: 8, exchanges: 8, ignored: 0 });
    expect(failures(report)).toEqual({});
    expect(outcome(report, 'headers.authorization')).toMatchObject({ status: 'pass', examined: 7 });
  });

  it('sanitized (its default): Authorization it left out is not a failure, and the rule says why it cannot tell', async () => {
    const report = await auditFiles([await chromeExport(true)], { description });
    expect(report.traffic).toMatchObject({ entries: 8, exchanges: 8, ignored: 0 });
    expect(failures(report)).toEqual({});
    const rule = report.rules.find((r) => r.id === 'headers.authorization')!;
    expect(rule.status).toBe('undecided');
    expect(rule.note).toMatch(/^the recording leaves Authorization out: none of its 8 requests carries one, yet Adobe answered 6 secured requests without a 401, .*sanitized by default .*export with sensitive data/);
  });

  it('a recording that does carry Authorization elsewhere: a request without it is still a failure', async () => {
    const { Authorization: _, ...noAuthorization } = device();
    const report = await auditFiles([await writeHar([...webApp, { at: 650_000, path: `/api/v2/${SP}/profiles`, headers: browser(noAuthorization), response: noProfile }])], { description });
    expect(outcome(report, 'headers.authorization')).toMatchObject({ status: 'fail', findings: [{ requests: ['#8'] }] });
  });

  it('a recording with no Authorization at all whose requests Adobe refused (401): each is a failure', async () => {
    const { Authorization: _, ...noAuthorization } = device();
    const refused: Call[] = [0, 60_000, 120_000].map((at) => ({ at, path: `/api/v2/${SP}/configuration`, headers: noAuthorization, status: 401, response: { status: 401, code: 'invalid_access_token_client_application', action: 'application-registration', message: 'm' } }));
    const report = await auditFiles([await writeHar(refused)], { description });
    expect(outcome(report, 'headers.authorization')).toMatchObject({ status: 'fail', findings: [{ requests: ['#1', '#2', '#3'] }] });
  });
});
