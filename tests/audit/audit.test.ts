// The audit as a whole: a clean server-to-server flow breaks no rule, traffic that is not Adobe's is
// ignored, several files are told apart, and every rule is reported (including those not checkable).
import { describe, expect, it } from 'vitest';
import { auditFiles } from '../../src/audit/audit.ts';
import { NOT_CHECKABLE, RULES } from '../../src/audit/rules/index.ts';
import { cleanFlow } from './support/flows.ts';
import { audit, description, device, failures, SP, writeHar } from './support/har.ts';

describe('auditFiles', () => {
  it('finds nothing wrong in the cookbook flow sent carefully', async () => {
    const report = await audit(cleanFlow, { serverToServer: true });
    expect(failures(report)).toEqual({});
    expect(report.counts).toMatchObject({ rules: RULES.length, fail: 0, must: 0, should: 0, notCheckable: NOT_CHECKABLE.length });
    // Rules the flow does not exercise say so instead of passing.
    const notExercised = report.rules.filter((r) => r.status === 'not-exercised').map((r) => r.id).sort();
    expect(notExercised).toEqual(['preauthorization.cache-permits', 'retry.bounded', 'retry.only-failed-items', 'retry.only-when-retry', 'throttle.wait-after-429', 'token.refresh-on-401']);
    expect(report.traffic).toEqual({ entries: 9, exchanges: 9, ignored: 0, devices: 2 });
  });

  it('ignores entries that are not calls to Adobe\'s API', async () => {
    const path = await writeHar([
      ...cleanFlow.slice(0, 3),
      { at: 50, path: '/assets/logo.png', status: 200 },
      { at: 60, method: 'OPTIONS', path: `/api/v2/${SP}/profiles`, status: 204 },
    ]);
    const report = await auditFiles([path], { description });
    expect(report.traffic).toMatchObject({ entries: 5, exchanges: 3, ignored: 2 });
  });

  it('audits a request whose path has a bad %-escape under its operation instead of stopping', async () => {
    const { Authorization: _, ...noAuthorization } = device();
    const report = await audit([
      ...cleanFlow.slice(0, 3),
      { at: 90_000, path: `/api/v2/${SP}/logout/%E0%A4?redirectUrl=https%3A%2F%2Fadobe.com`, headers: noAuthorization, status: 400 },
    ]);
    expect(report.traffic).toMatchObject({ entries: 4, exchanges: 4, ignored: 0 });
    expect(report.rules.find((r) => r.id === 'headers.authorization')!.findings.flatMap((f) => f.requests)).toEqual(['#4']);
  });

  it('names requests by file and entry when several files are audited', async () => {
    const a = await writeHar([{ at: 0, path: `/api/v2/${SP}/configuration`, headers: device(), response: { requestor: { mvpds: [] } } }], 'monday.har');
    const b = await writeHar([{ at: 30_000, path: `/api/v2/${SP}/configuration`, headers: device(), response: { requestor: { mvpds: [] } } }], 'tuesday.har');
    const report = await auditFiles([a, b], { description });
    expect(report.rules.find((r) => r.id === 'configuration.cache')!.findings.map((f) => f.requests)).toEqual([['tuesday.har#1']]);
  });

  it('names at most 20 requests per finding: the first 19 and the last', async () => {
    const { Authorization: _, ...noAuthorization } = device();
    // Refused, as Adobe refuses a secured request without its token (answered, they would read as a recording that left the header out).
    const calls = Array.from({ length: 30 }, (_, i) => ({ at: i * 200_000, path: `/api/v2/${SP}/configuration`, headers: noAuthorization, status: 401, response: { status: 401, code: 'invalid_access_token_client_application', action: 'application-registration', message: 'm' } }));
    const finding = (await audit(calls)).rules.find((r) => r.id === 'headers.authorization')!.findings[0]!;
    expect(finding.requests).toEqual([...Array.from({ length: 19 }, (_, i) => `#${i + 1}`), '#30']);
    expect(finding.message).toMatch(/^30 requests without authorization/);
  });

  it('every rule has a stable unique id, a level, a source with the page and words, a check and a fix', () => {
    const ids = [...RULES.map((r) => r.id), ...NOT_CHECKABLE.map((r) => r.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of [...RULES, ...NOT_CHECKABLE]) {
      expect(r.id).toMatch(/^[a-z]+\.[a-z0-9-]+$/);
      expect(['MUST', 'SHOULD']).toContain(r.level);
      expect(r.sources.length).toBeGreaterThan(0);
      for (const s of r.sources) expect(s.words.length).toBeGreaterThan(10);
    }
    for (const r of RULES) expect(r.fix.length).toBeGreaterThan(10);
  });
});
