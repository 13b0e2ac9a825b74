// `pass-contract audit`: reports in four formats, exit codes by --fail-on, clear usage errors.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.ts';
import { cleanFlow } from './support/flows.ts';
import { device, noProfile, SP, writeHar, type Call } from './support/har.ts';


function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, stopped: () => Promise.resolve() };
  return { io: value, out, err };
}

const reportDir = () => mkdtemp(join(tmpdir(), 'pass-audit-report-'));

/** A device that breaks one MUST (fast polling: 1 s) and one SHOULD (configuration twice in a minute). */
const naughty: Call[] = [
  { at: 0, path: `/api/v2/${SP}/configuration`, headers: device(), response: { requestor: { mvpds: [] } } },
  { at: 30_000, path: `/api/v2/${SP}/configuration`, headers: device(), response: { requestor: { mvpds: [] } } },
  { at: 40_000, path: `/api/v2/${SP}/profiles`, headers: device(), response: noProfile },
  { at: 41_000, path: `/api/v2/${SP}/profiles`, headers: device(), response: noProfile },
];
const shouldOnly: Call[] = naughty.slice(0, 2);

describe('pass-contract audit', () => {
  it('writes junit.xml, summary.md and report.json and exits 1 on a MUST finding', async () => {
    const t = io();
    const dir = await reportDir();
    const har = await writeHar(naughty);
    expect(await main(['audit', har, '--report', dir], t.io)).toBe(1);
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);

    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(json.counts).toMatchObject({ must: 1, should: 1 });
    const polling = json.rules.find((r: { id: string }) => r.id === 'polling.interval');
    expect(polling.findings).toEqual([{ rule: 'polling.interval', level: 'MUST', device: 'fingerprint ZGV2aWNlLTE=', requests: ['#4'], message: expect.stringMatching(/shortest 1\.0 s, #3 → #4/) }]);
    expect(polling.fix).toMatch(/3–5 s/);

    const summary = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/^## Adobe Pass integration audit: 1 MUST, 1 SHOULD findings ❌/);
    expect(summary).toContain('| `fingerprint ZGV2aWNlLTE=` | #4 |');
    expect(summary).toMatch(/rules not checkable from traffic<\/summary>[\s\S]*`authorization.media-token-validation`/);

    const junit = new XMLParser({ ignoreAttributes: false }).parse(await readFile(join(dir, 'junit.xml'), 'utf8'));
    const cases = [junit.testsuites.testsuite].flat().flatMap((s: { testcase: unknown }) => [s.testcase].flat()) as { '@_name': string; failure?: unknown; skipped?: unknown }[];
    const byId = (id: string) => cases.find((c) => c['@_name'].startsWith(`${id}:`))!;
    expect(byId('polling.interval').failure).toBeDefined();
    expect(byId('configuration.cache').failure).toBeUndefined(); // SHOULD does not fail with --fail-on must
    expect(byId('registration.once').skipped).toBeDefined(); // not exercised
    expect(byId('testing.non-production').skipped).toBeDefined(); // not checkable

    expect(t.out.filter((l) => l.startsWith('✗'))).toEqual([expect.stringMatching(/^✗ MUST polling.interval · fingerprint ZGV2aWNlLTE=: .*\[#4\]$/)]);
    expect(t.out.filter((l) => l.startsWith('!'))).toEqual([expect.stringMatching(/^! SHOULD configuration.cache/)]);
  });

  it('exits 0 on SHOULD findings with --fail-on must, 1 with --fail-on should', async () => {
    const har = await writeHar(shouldOnly);
    expect(await main(['audit', har, '--report', await reportDir()], io().io)).toBe(0);
    expect(await main(['audit', har, '--report', await reportDir(), '--fail-on', 'should'], io().io)).toBe(1);
  });

  it('exits 0 on clean traffic', async () => {
    const t = io();
    expect(await main(['audit', await writeHar(cleanFlow), '--report', await reportDir(), '--server-to-server'], t.io)).toBe(0);
    expect(t.out.at(-1)).toMatch(/^0 MUST and 0 SHOULD findings; report: /);
  });

  it('prints GitHub annotations: ::error for findings that fail the run, ::warning for the others', async () => {
    const t = io();
    const har = await writeHar(naughty);
    await main(['audit', har, '--report', await reportDir(), '--format', 'github'], t.io);
    const annotations = t.out.filter((l) => l.startsWith('::'));
    expect(annotations).toHaveLength(2);
    expect(annotations[0]).toMatch(new RegExp(`^::warning title=configuration.cache \\(SHOULD\\)%3A Cache the configuration for a few minutes,file=${har.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}::fingerprint ZGV2aWNlLTE=: `));
    expect(annotations[1]).toMatch(/^::error title=polling.interval \(MUST\)%3A .*::.*Requests #4\. Change: /);
  });

  it.each([
    [['audit'], /missing required argument 'traffic'/],
    [['audit', '/nonexistent/traffic.har'], /cannot read traffic file \/nonexistent\/traffic.har: no such file/],
    [['audit', 'FILE', '--fail-on', 'may'], /option '--fail-on <level>' argument 'may' is invalid\. Allowed choices are must, should\./],
    [['audit', 'FILE', '--format', 'xml'], /option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, github\./],
  ])('%j is a usage error (exit 2) that says what is wrong', async (args, message) => {
    const t = io();
    const har = await writeHar(naughty);
    expect(await main(args.map((a) => (a === 'FILE' ? har : a)), t.io)).toBe(2);
    expect(t.err.join('\n')).toMatch(message);
  });

  it('says which file is not HAR and where it breaks (exit 2), and writes no report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-audit-bad-'));
    const bad = join(dir, 'broken.har');
    await writeFile(bad, '{"log":{"entries":[{"startedDateTime":');
    const t = io();
    const out = join(dir, 'reports');
    expect(await main(['audit', bad, '--report', out], t.io)).toBe(2);
    expect(t.err.join('\n')).toMatch(/^pass-contract: .*broken\.har is not valid JSON near character \d+ \(after 0 complete entries\)/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('says which entry of a HAR file lacks what the audit reads (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-audit-bad-'));
    const bad = join(dir, 'odd.har');
    await writeFile(bad, JSON.stringify({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [{ startedDateTime: 'yesterday', request: { method: 'GET', url: 'https://sp.auth.adobe.com/api/v2/REF30/profiles', headers: [] }, response: { status: 200 } }] } }));
    const t = io();
    expect(await main(['audit', bad, '--report', join(dir, 'reports')], t.io)).toBe(2);
    expect(t.err).toEqual([`pass-contract: ${bad}: entry 1 is not a HAR entry: startedDateTime must be an ISO 8601 date, got "yesterday"`]);
  });

  // Found by feeding the audit random HAR-like files: these shapes passed the entry check and then
  // failed inside the audit as `TypeError: e.response.headers?.find is not a function`, `Cannot read
  // properties of undefined (reading 'toLowerCase')` or `… of null (reading 'name')`.
  it.each([
    ['a request header without a name', { request: { headers: [{ value: 'x' }] } }, 'request.headers[0] must be an object with a string name and value'],
    ['a request header that is null', { request: { headers: [null] } }, 'request.headers[0] must be an object with a string name and value'],
    ['a request header whose value is a number', { request: { headers: [{ name: 'X-Forwarded-For', value: 1 }] } }, 'request.headers[0] must be an object with a string name and value'],
    ['response headers that are an object', { response: { headers: { 'Retry-After': '1' } } }, 'response.headers must be an array'],
    ['a response header without a name', { response: { headers: [{ value: '1' }] } }, 'response.headers[0] must be an object with a string name and value'],
    ['postData that is a string', { request: { postData: 'client_id=a' } }, 'request.postData must be an object whose text and mimeType are strings'],
    ['postData whose text is a number', { request: { postData: { mimeType: 'application/json', text: 7 } } }, 'request.postData must be an object whose text and mimeType are strings'],
    ['postData params that are an object', { request: { postData: { mimeType: 'application/x-www-form-urlencoded', params: { client_id: 'a' } } } }, 'request.postData.params must be a list of objects with a string name and value'],
    ['a postData param without a name', { request: { postData: { mimeType: 'application/x-www-form-urlencoded', params: [{ value: 'a' }] } } }, 'request.postData.params must be a list of objects with a string name and value'],
    ['content that is a string', { response: { content: '{}' } }, 'response.content must be an object whose text and mimeType are strings'],
    ['content whose text is an object', { response: { content: { mimeType: 'application/json', text: {} } } }, 'response.content must be an object whose text and mimeType are strings'],
  ] as [string, { request?: object; response?: object }, string][])('says which entry has %s (exit 2), not a TypeError', async (_, change, problem) => {
    const dir = await mkdtemp(join(tmpdir(), 'pass-audit-bad-'));
    const bad = join(dir, 'odd.har');
    const base = { startedDateTime: '2026-11-24T10:00:00.000Z', time: 5, request: { method: 'GET', url: 'https://sp.auth.adobe.com/api/v2/REF30/profiles', headers: [{ name: 'X-Forwarded-For', value: '203.0.113.7' }] }, response: { status: 200, headers: [], content: { mimeType: 'application/json', text: '{"profiles":{}}' } } };
    const entry = { ...base, request: { ...base.request, ...change.request }, response: { ...base.response, ...change.response } };
    await writeFile(bad, JSON.stringify({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [base, entry] } }));
    const t = io();
    expect(await main(['audit', bad, '--report', join(dir, 'reports')], t.io)).toBe(2);
    expect(t.err).toEqual([`pass-contract: ${bad}: entry 2 is not a HAR entry: ${problem}`]);
  });

  it('exits 2 when the traffic holds no call to Adobe\'s API', async () => {
    const t = io();
    expect(await main(['audit', await writeHar([{ at: 0, path: '/index.html' }]), '--report', await reportDir()], t.io)).toBe(2);
    expect(t.err.join('\n')).toMatch(/no request to Adobe's API/);
  });
});
