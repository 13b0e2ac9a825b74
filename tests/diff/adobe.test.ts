// Adobe's published OpenAPI files (three versions, reference/adobe-openapi) diffed pairwise. The expectations
// come from reading the files: what each version documents, compared by hand.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/description/document.ts';
import { runDiff, type Change, type DiffReport } from '../../src/diff/index.ts';
import { renderMarkdown } from '../../src/diff/report.ts';

const V1 = '2024-06-27-65958fe';
const V2 = '2024-10-24-159b63c';
const V3 = '2025-10-23-3dd8ab2';
const file = (version: string, name: string) => join(projectRoot, 'reference', 'adobe-openapi', version, name);
const brief = (c: Change) => `${c.level} ${c.rule} ${c.operation ?? '-'}: ${c.message}`;
const has = (report: DiffReport, rule: string, operation: string | undefined, message: RegExp) =>
  report.changes.some((c) => c.rule === rule && c.operation === operation && message.test(c.message));

describe(`REST API V2, ${V1} → ${V2}`, () => {
  let report: DiffReport;
  beforeAll(async () => void (report = await runDiff(file(V1, 'restApiV2.json'), file(V2, 'restApiV2.json'))));

  it('lists exactly the breaking changes found by reading the two files', () => {
    const successStatusRemoved = ['GET /{serviceProvider}/configuration', 'GET /{serviceProvider}/profiles', 'GET /{serviceProvider}/profiles/{mvpd}',
      'GET /{serviceProvider}/sessions/{code}', 'POST /{serviceProvider}/decisions/authorize/{mvpd}', 'POST /{serviceProvider}/decisions/preauthorize/{mvpd}',
      'POST /{serviceProvider}/profiles/sso/{partner}', 'POST /{serviceProvider}/sessions', 'POST /{serviceProvider}/sessions/{code}', 'POST /{serviceProvider}/sessions/sso/{partner}']
      .map((op) => `breaking response-success-status-removed ${op}: status 302 removed`);
    const contentTypeRequired = ['POST /{serviceProvider}/decisions/authorize/{mvpd}', 'POST /{serviceProvider}/decisions/preauthorize/{mvpd}', 'POST /{serviceProvider}/sessions',
      'POST /{serviceProvider}/sessions/{code}', 'POST /{serviceProvider}/sessions/sso/{partner}']
      .map((op) => `breaking request-parameter-became-required ${op}: header parameter Content-Type became required`);
    expect(report.changes.filter((c) => c.level === 'breaking').map(brief).sort()).toEqual([
      ...successStatusRemoved,
      ...contentTypeRequired,
      // The profile-for-code operation moved from /profiles/{mvpd}/{code} to /profiles/code/{code}.
      'breaking operation-removed GET /{serviceProvider}/profiles/{mvpd}/{code}: GET /{serviceProvider}/profiles/{mvpd}/{code} removed',
      // Profiles now need the DCR access token.
      'breaking request-parameter-added-required GET /{serviceProvider}/profiles: required header parameter Authorization added',
      'breaking request-parameter-added-required GET /{serviceProvider}/profiles/{mvpd}: required header parameter Authorization added',
      'breaking request-parameter-added-required POST /{serviceProvider}/profiles/sso/{partner}: required header parameter Content-Type added',
      // The partner profile's form body was a bare string; it became an object with SAMLResponse.
      'breaking request-property-type-changed POST /{serviceProvider}/profiles/sso/{partner}: request body application/x-www-form-urlencoded: type of body string → object',
    ].sort());
  });

  it('reports the move, the renamed operationIds, the dropped 404s and headers at their levels', () => {
    expect(has(report, 'operation-added', 'GET /{serviceProvider}/profiles/code/{code}', /added/)).toBe(true);
    expect(has(report, 'operation-id-changed', 'GET /{serviceProvider}/profiles', /getProfilesUsingGET → getProfilesUsingGET_1/)).toBe(true);
    expect(has(report, 'response-status-removed', 'GET /{serviceProvider}/configuration', /status 404 removed/)).toBe(true);
    expect(has(report, 'request-parameter-removed', 'GET /{serviceProvider}/configuration', /X-Forwarded-For removed/)).toBe(true);
    expect(has(report, 'request-parameter-became-optional', 'GET /{serviceProvider}/profiles', /AP-Partner-Framework-Status became optional/)).toBe(true);
    expect(report.changes.find((c) => c.rule === 'response-status-removed')?.level).toBe('potentially-breaking');
    expect(report.changes.find((c) => c.rule === 'operation-id-changed')?.level).toBe('potentially-breaking');
  });
});

describe(`REST API V2, ${V2} → ${V3}`, () => {
  let report: DiffReport;
  beforeAll(async () => void (report = await runDiff(file(V2, 'restApiV2.json'), file(V3, 'restApiV2.json'))));

  it('finds the session-status fields renamed (existing → existingParameters) and the decision bodies reshaped', () => {
    expect(report.changes.filter((c) => c.level === 'breaking').map(brief).sort()).toEqual([
      'breaking request-property-type-changed POST /{serviceProvider}/decisions/authorize/{mvpd}: request body application/json: type of body array → object',
      'breaking request-property-type-changed POST /{serviceProvider}/decisions/preauthorize/{mvpd}: request body application/json: type of body array → object',
      'breaking response-property-removed GET /{serviceProvider}/sessions/{code}: 200 response application/json: property existing removed',
      'breaking response-property-removed GET /{serviceProvider}/sessions/{code}: 200 response application/json: property missing removed',
    ]);
    for (const name of ['existingParameters', 'missingParameters', 'device', 'notBefore', 'notAfter']) {
      expect(has(report, 'response-property-added', 'GET /{serviceProvider}/sessions/{code}', new RegExp(`property ${name} added`))).toBe(true);
    }
  });

  it('finds AP-Visitor-Identifier added to eleven operations, and the device headers dropped from configuration', () => {
    expect(report.changes.filter((c) => c.rule === 'request-parameter-added' && /AP-Visitor-Identifier/.test(c.message))).toHaveLength(11);
    expect(has(report, 'request-parameter-removed', 'GET /{serviceProvider}/configuration', /AP-Device-Identifier removed/)).toBe(true);
    expect(has(report, 'request-parameter-removed', 'GET /{serviceProvider}/configuration', /X-Device-Info removed/)).toBe(true);
  });

  it('keeps the breaking changes on top: four, ahead of the additions folded away', () => {
    const markdown = renderMarkdown(report);
    expect(report.counts.breaking).toBe(4);
    expect(report.counts['non-breaking']).toBeGreaterThan(10 * report.counts.breaking);
    expect(markdown.indexOf('### Breaking (4)')).toBeGreaterThan(0);
    expect(markdown.indexOf('### Breaking (4)')).toBeLessThan(markdown.indexOf('<details><summary><strong>Non-breaking'));
    // The regenerated error-code enum is one change per place, not one per code.
    expect(report.changes.filter((c) => c.rule === 'response-property-enum-value-added').length).toBeLessThan(10);
  });
});

describe('DCR', () => {
  it(`${V1} → ${V2}: 200 dropped for 201, the base path moved from /api/o to /o, and a dangling $ref worked around`, async () => {
    const report = await runDiff(file(V1, 'dcrApi.json'), file(V2, 'dcrApi.json'));
    expect(report.changes.filter((c) => c.level !== 'non-breaking').map(brief).sort()).toEqual([
      'breaking response-success-status-removed POST /client/register: status 200 removed',
      'breaking response-success-status-removed POST /client/token: status 200 removed',
      'potentially-breaking server-removed -: server https://sp.auth.adobe.com/api/o removed',
    ]);
    expect(has(report, 'server-added', undefined, /https:\/\/sp\.auth\.adobe\.com\/o added/)).toBe(true);
    expect(has(report, 'response-property-added', 'POST /client/token', /access_token added/)).toBe(true);
    expect(report.warnings).toEqual([expect.stringMatching(/ClientApplication" at .* points at nothing/), expect.stringMatching(/ClientRegistrationAccessTokenResponse" at .* points at nothing/)]);
  });

  it(`${V2} → ${V3}: only User-Agent made optional on registration`, async () => {
    const report = await runDiff(file(V2, 'dcrApi.json'), file(V3, 'dcrApi.json'));
    expect(report.changes.map(brief)).toEqual(['non-breaking request-parameter-became-optional POST /client/register: header parameter User-Agent became optional']);
  });
});

it('the same version against itself has no changes', async () => {
  const report = await runDiff(file(V3, 'restApiV2.json'), file(V3, 'restApiV2.json'));
  expect(report.changes).toEqual([]);
});
