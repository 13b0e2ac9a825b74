// The check against a fake Adobe host: the baseline is clean, and each injected drift is caught
// with its tier, operation and pointer while each compatible change passes.
import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from '../../src/description/document.ts';
import type { Answer, Injection } from '../support/fake-adobe/index.ts';
import { checkAgainst } from './support.ts';

const body = (a: Answer) => a.body as JsonObject;
const edit = (f: (b: JsonObject, a: Answer) => void): Injection => ({
  drift: (a) => {
    const copy = { ...a, headers: { ...a.headers }, body: structuredClone(a.body) as Json };
    if (copy.status < 300) f(body(copy), copy);
    return copy;
  },
});
/** The configuration with its first MVPD named Vidéotron, encoded as Latin-1 (é is one byte, 0xE9). */
const latin1Name = (a: Answer) => {
  const b = structuredClone(a.body) as JsonObject;
  ((b.requestor as JsonObject).mvpds as JsonObject[])[0]!.displayName = 'Vidéotron';
  return Buffer.from(JSON.stringify(b), 'latin1');
};
const firstProfile = (b: JsonObject) => Object.values(b.profiles as JsonObject)[0] as JsonObject;
const firstLogout = (b: JsonObject) => Object.values(b.logouts as JsonObject)[0] as JsonObject;

describe('baseline against a fake Adobe host', () => {
  it('finds no drift, causes no 429, registers once and requests one token', async () => {
    const run = await checkAgainst();
    expect(run.result.counts.breaking).toBe(0);
    expect(run.result.counts.addition).toBe(0);
    expect(run.result.counts.error + run.result.counts.notChecked).toBe(0);
    expect(run.host.throttledCount).toBe(0);
    expect(run.result.exitCode).toBe(0);
    expect(run.host.count('retrieveClientCredentials')).toBe(1);
    expect(run.host.count('retrieveAccessToken')).toBe(1);
    // The run's own DCR exchanges are checked and reported under their operations.
    expect(run.find('retrieveClientCredentials', 'dcr').map((r) => [r.status, r.outcome])).toEqual([[201, 'pass']]);
    expect(run.find('retrieveAccessToken', 'dcr').map((r) => [r.status, r.outcome])).toEqual([[201, 'pass']]);
    expect(run.result.counts.checked).toBeGreaterThan(40);
  });

  it('with --include-state-changing too: no breaking drift and no 429', async () => {
    const run = await checkAgainst({}, { includeStateChanging: true });
    expect(run.result.report.skipped.length).toBeGreaterThan(0);
    expect(run.result.report.skipped.every((s) => s.reason.startsWith('replaced by'))).toBe(true);
    expect(run.result.counts.breaking).toBe(0);
    expect(run.host.throttledCount).toBe(0);
    expect(run.result.counts.checked).toBeGreaterThan(100);
  });
});

interface DriftCase {
  name: string;
  operation: string;
  inject: Injection;
  /** Every expected finding: [tier, rule, pointer]. */
  expect: [string, string, string][];
  stateChanging?: boolean;
  /** The drift is in an error response: judge the negative cases instead of the documented situations. */
  negative?: boolean;
}

const breaking: DriftCase[] = [
  { name: 'a required field removed', operation: 'retrieveConfiguration', inject: edit((b) => delete b.requestor), expect: [['breaking', 'field-missing', '/requestor']] },
  { name: 'a field renamed', operation: 'retrieveProfiles', inject: edit((b) => { b.profile = b.profiles!; delete b.profiles; }), expect: [['breaking', 'field-missing', '/profiles'], ['addition', 'field-undocumented', '/profile']] },
  { name: 'a field of another type', operation: 'retrieveProfileForMvpd', inject: edit((b) => void (firstProfile(b).notAfter = String(firstProfile(b).notAfter))), expect: [['breaking', 'field-type', '/profiles/Spectrum/notAfter']] },
  { name: 'a value outside a documented enum (one row, not one per constant)', operation: 'initiateLogout', stateChanging: true, inject: edit((b) => void (firstLogout(b).actionName = 'signout')), expect: [['breaking', 'value-not-allowed', '/logouts/Cablevision/actionName']] },
  { name: 'if/then: a logout action without its url', operation: 'initiateLogout', stateChanging: true, inject: edit((b) => void delete firstLogout(b).url), expect: [['breaking', 'field-missing', '/logouts/Cablevision/url']] },
  { name: 'a status the operation does not document', operation: 'retrieveConfiguration', inject: { fault: { status: 418, body: { teapot: true } } }, expect: [['breaking', 'status-undocumented', '']] },
  { name: 'text/plain instead of JSON', operation: 'retrieveProfileForMvpd', inject: edit((_, a) => void (a.headers['Content-Type'] = 'text/plain')), expect: [['breaking', 'media-type-undocumented', '']] },
  // Adobe sends charset=UTF-8 (and JSON must be UTF-8, RFC 8259 §8.1): a host that writes a Canadian
  // MVPD's name in Latin-1 gives every client U+FFFD in its place, and the body still parses.
  { name: 'a body that is not UTF-8 (an MVPD name in Latin-1)', operation: 'retrieveConfiguration', inject: { drift: (a) => (a.status === 200 ? { ...a, body: latin1Name(a) } : a) }, expect: [['breaking', 'body-not-utf8', '/requestor/mvpds/0/displayName']] },
  { name: 'JSON that does not parse', operation: 'retrieveProfiles', inject: { fault: { status: 200, body: '{"profiles": {', headers: { 'Content-Type': 'application/json' } } }, expect: [['breaking', 'body-not-json', '']] },
  { name: 'a 302 without Location', operation: 'performAuthentication', inject: { fault: { status: 302, headers: {} } }, expect: [['breaking', 'header-missing', '/headers/location']] },
  { name: 'a Location that is not a URI', operation: 'performAuthentication', inject: { fault: { status: 302, headers: { Location: 'http://exa mple.com/ x' } } }, expect: [['breaking', 'header-invalid', '/headers/location']] },
  { name: 'a deny that carries a media token (forbidden in this situation)', operation: 'retrieveAuthorizationDecisions', stateChanging: true, inject: edit((b) => { const d = (b.decisions as JsonObject[])[0]!; d.authorized = false; d.token = { notBefore: 1, notAfter: 2, serializedToken: 'e30=' }; }), expect: [['breaking', 'field-forbidden', '/decisions/0/token']] },
  { name: 'an error code outside the catalog', operation: 'retrieveConfiguration', negative: true, inject: { drift: (a) => (a.status === 401 ? { ...a, body: { ...(a.body as JsonObject), code: 'invalid_frobnicator' } } : a) },
    // ErrorCode is x-extensible-enum: an unknown code is an addition to the catalog, but here it
    // replaces the code documented for this situation, which stays breaking.
    expect: [['addition', 'value-undocumented', '/code'], ['breaking', 'error-code-mismatch', '/code']] },
  { name: 'a media token that is not base64 (Adobe\'s truncated sample)', operation: 'retrieveAuthorizationDecisions', stateChanging: true, inject: edit((b) => { const d = (b.decisions as JsonObject[])[0]!; d.token = { notBefore: 1, notAfter: 2, serializedToken: 'PHNpZ25hdHVyZUluZm8...' }; }), expect: [['breaking', 'value-encoding', '/decisions/0/token/serializedToken']] },
  { name: 'DCR token: expires_in missing', operation: 'retrieveAccessToken', inject: edit((b) => void delete b.expires_in), expect: [['breaking', 'field-missing', '/expires_in']] },
  { name: 'DCR token: expires_in as a string', operation: 'retrieveAccessToken', inject: edit((b) => void (b.expires_in = String(b.expires_in))), expect: [['breaking', 'field-type', '/expires_in']] },
  { name: 'DCR register: 200 instead of 201', operation: 'retrieveClientCredentials', inject: { drift: (a) => ({ ...a, status: a.status === 201 ? 200 : a.status }) }, expect: [['breaking', 'status-undocumented', '']] },
  { name: 'DCR register: client_id_issued_at missing', operation: 'retrieveClientCredentials', inject: edit((b) => void delete b.client_id_issued_at), expect: [['breaking', 'field-missing', '/client_id_issued_at']] },
];

const compatible: DriftCase[] = [
  { name: 'a field the description does not know', operation: 'retrieveConfiguration', inject: edit((b) => void (b.colour = 'web')), expect: [['addition', 'field-undocumented', '/colour']] },
  { name: 'a nested unknown field', operation: 'retrieveConfiguration', inject: edit((b) => void ((b.requestor as JsonObject).region = 'eu')), expect: [['addition', 'field-undocumented', '/requestor/region']] },
  { name: 'an unknown field in an error body', operation: 'retrieveProfiles', negative: true, inject: { drift: (a) => (a.status === 401 ? { ...a, body: { ...(a.body as JsonObject), trackingId: 'abc' } } : a) }, expect: [['addition', 'field-undocumented', '/trackingId']] },
  { name: 'an Adobe header the response does not document', operation: 'retrieveProfiles', inject: edit((_, a) => void (a.headers['AP-Request-Id'] = 'r-1')), expect: [['addition', 'header-undocumented', '/headers/ap-request-id']] },
  { name: 'a relative Location (HTTP allows it)', operation: 'performAuthentication', inject: { fault: { status: 302, headers: { Location: '/api/v2/authenticate/continue?x=1' } } }, expect: [] },
  { name: 'Content-Type with another case and charset', operation: 'retrieveProfiles', inject: edit((_, a) => void (a.headers['Content-Type'] = 'Application/JSON; charset=utf-8')), expect: [] },
  { name: 'keys in another order, pretty-printed', operation: 'retrieveConfiguration', inject: { drift: (a) => (a.status === 200 ? { ...a, body: JSON.stringify(Object.fromEntries(Object.entries(a.body as JsonObject).reverse()), null, 2) } : a) }, expect: [] },
  { name: 'a server header and a cookie', operation: 'retrieveConfiguration', inject: edit((_, a) => Object.assign(a.headers, { Server: 'openresty', 'Set-Cookie': 'AWSALB=x; Path=/' })), expect: [] },
];

const run = (c: DriftCase) => checkAgainst({ inject: { [c.operation]: c.inject } }, {
  // The DCR operations are exercised by every run that needs a token.
  operations: [/Credentials|AccessToken/.test(c.operation) ? 'retrieveConfiguration' : c.operation],
  includeStateChanging: c.stateChanging ?? false,
});

type Finding = [string, string, string];
/** Findings per result of the documented situations (and the run's own DCR exchanges) of one operation. */
const perResult = (r: Awaited<ReturnType<typeof run>>, c: DriftCase): Finding[][] =>
  r.find(c.operation).filter((x) => (x.kind === 'negative') === (c.negative ?? false)).map((x) => x.drifts.filter((d) => !d.accepted).map((d) => [d.tier, d.rule, d.pointer] as Finding));
const findings = (r: Awaited<ReturnType<typeof run>>, c: DriftCase) => perResult(r, c).flat();

describe('injected breaking drift is caught with its tier, operation and pointer', () => {
  it.each(breaking)('$name ($operation)', async (c) => {
    const r = await run(c);
    const found = findings(r, c);
    for (const e of c.expect) expect(found).toContainEqual(e);
    // One row per real violation: no duplicates, no oneOf/if noise, nothing else breaking.
    for (const rows of perResult(r, c)) expect(new Set(rows.map((f) => f.join(' '))).size).toBe(rows.length);
    expect(found.filter((f) => f[0] === 'breaking').filter((f) => !c.expect.some((e) => e[1] === f[1] && e[2] === f[2]))).toEqual([]);
    expect(r.result.exitCode).toBe(1);
    expect(r.host.throttledCount).toBe(0);
    // A drifting DCR response never multiplies registrations or token requests.
    expect(r.host.count('retrieveClientCredentials')).toBeLessThanOrEqual(1);
    expect(r.host.count('retrieveAccessToken')).toBeLessThanOrEqual(1);
  });
});

describe('compatible changes pass (exit 0 with --fail-on breaking)', () => {
  it.each(compatible)('$name ($operation)', async (c) => {
    const r = await run(c);
    const found = findings(r, c);
    expect(found.filter((f) => f[0] === 'breaking')).toEqual([]);
    for (const e of c.expect) expect(found).toContainEqual(e);
    expect(r.result.exitCode).toBe(0);
  });

  it('an addition fails the run with --fail-on addition, and the summary says what to add', async () => {
    const r = await checkAgainst({ inject: { retrieveConfiguration: compatible[0]!.inject } }, { operations: ['retrieveConfiguration'], failOn: 'addition' });
    expect(r.result.exitCode).toBe(1);
    const { 'summary.md': summary } = await r.files();
    expect(summary).toContain('### ⚠️ Additions');
    expect(summary).toMatch(/\| `retrieveConfiguration` \| `\/colour` \| `field-undocumented` \| add an optional property `colour` \(string\) to `#\/components\/schemas\/Configuration` \|/);
  });
});
