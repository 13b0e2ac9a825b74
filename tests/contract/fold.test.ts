// A long-running proxy's report folds repeated exchanges into one row each. Before, every exchange
// was a row: 20,000 exchanges made report.json 9.4 MB, rewritten every 200 ms, and each exchange
// cost more than the last (778 µs at 4,000, 2,814 µs at 20,000; flat at ≈450 µs with folding).
// The rows here are written out by hand, and the counts expected are the exchanges the test made.
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Drift } from '../../src/contract/check-response.ts';
import { FoldedResults } from '../../src/contract/fold.ts';
import { countResults, renderJunit, renderSummary, verdict, type RunReport } from '../../src/contract/report.ts';
import type { CaseResult } from '../../src/contract/results.ts';
import { startProxy } from '../../src/proxy/server.ts';
import { description } from './support.ts';

const missing = (actual: string): Drift => ({ rule: 'field-missing', tier: 'breaking', kind: 'body', pointer: '/logouts/Dish/url', expected: 'present', actual, message: 'required field url is absent' });
const extra = (pointer: string, actual: string): Drift => ({ rule: 'field-undocumented', tier: 'addition', kind: 'body', pointer, expected: 'not in the description', actual, message: 'a field the description does not know' });
const result = (n: number, over: Partial<CaseResult>): CaseResult => ({
  id: `initiateLogout › GET /api/v2/REF30/logout/Dish #${n}`, operationId: 'initiateLogout', kind: 'traffic', name: `GET /api/v2/REF30/logout/Dish #${n}`,
  outcome: 'pass', request: { method: 'GET', path: '/api/v2/REF30/logout/Dish' }, status: 200, contentType: 'application/json', drifts: [], durationMs: 3, ...over,
});
const reportOf = (results: CaseResult[]): RunReport => ({
  runId: 'r', target: 'proxy', mode: 'proxy', status: 'complete', failOn: 'breaking', startedAt: '2026-11-25T00:00:00.000Z', updatedAt: '2026-11-25T00:00:00.000Z', durationMs: 1, planned: 0, results, skipped: [],
});

describe('FoldedResults', () => {
  it('folds exchanges with the same operation, status, outcome and drift, whatever values they saw', () => {
    const folded = new FoldedResults();
    for (let n = 1; n <= 5; n++) folded.add(result(n, { outcome: 'drift', tier: 'breaking', drifts: [missing(`(absent ${n})`), extra('/logouts/Dish/extra', String(n))] }), `2026-11-25T00:00:0${n}.000Z`);
    // The same drifts listed in another order fold too.
    folded.add(result(6, { outcome: 'drift', tier: 'breaking', drifts: [extra('/logouts/Dish/extra', 'six'), missing('x')] }), '2026-11-25T00:00:06.000Z');
    // Another place, another status, another outcome: rows of their own.
    folded.add(result(7, { outcome: 'drift', tier: 'breaking', drifts: [missing('x'), extra('/logouts/Dish/other', '7')] }), 't7');
    folded.add(result(8, { status: 201 }), 't8');
    folded.add(result(9, {}), 't9');
    folded.add(result(10, {}), 't10');
    // Errors that differ only in their numbers are one kind of error.
    folded.add(result(11, { outcome: 'error', drifts: [], error: 'response body of 2000000 bytes forwarded but not checked (over 1048576 bytes)' }), 't11');
    folded.add(result(12, { outcome: 'error', drifts: [], error: 'response body of 3500000 bytes forwarded but not checked (over 1048576 bytes)' }), 't12');
    expect(folded.rows.map((r) => [r.name, r.repeats ?? 0, r.lastSeenAt])).toEqual([
      ['GET /api/v2/REF30/logout/Dish #1', 5, '2026-11-25T00:00:06.000Z'],
      ['GET /api/v2/REF30/logout/Dish #7', 0, undefined],
      ['GET /api/v2/REF30/logout/Dish #8', 0, undefined],
      ['GET /api/v2/REF30/logout/Dish #9', 1, 't10'],
      ['GET /api/v2/REF30/logout/Dish #11', 1, 't12'],
    ]);
    // The row keeps the first exchange's values.
    expect(folded.rows[0]!.drifts[0]!.actual).toBe('(absent 1)');

    const report = reportOf(folded.rows);
    // 12 exchanges: 7 with drift (7 breaking drifts, 7 additions), 3 pass, 2 errors.
    expect(countResults(report)).toEqual({ results: 12, checked: 10, pass: 3, drift: 7, breaking: 7, addition: 7, note: 0, accepted: 0, error: 2, notChecked: 0, skipped: 0 });
    expect(verdict(report)).toEqual({ exitCode: 1, headline: 'drift ❌ 7 failing drift (fail-on breaking)' });
    const summary = renderSummary(report);
    expect(summary).toContain('12 results: 3 pass · 7 breaking · 7 additions');
    expect(summary).toContain('| `initiateLogout` | 200 | 11 | 2 | 7 | 7 | 2 | 0 |');
    expect(summary).toContain('→ 200 (and 5 more exchanges like it, the last at 2026-11-25T00:00:06.000Z)');
    expect(summary).toContain('(over 1048576 bytes) (and 1 more exchange like it, the last at t12)');
    expect(renderJunit(report)).toContain('name="GET /api/v2/REF30/logout/Dish #1 (and 5 more exchanges like it, the last at 2026-11-25T00:00:06.000Z)"');
  });

  it('keeps at most maxRows distinct rows; past them a new kind folds by operation, status and outcome', () => {
    const folded = new FoldedResults(3);
    for (let n = 1; n <= 10; n++) folded.add(result(n, { outcome: 'drift', tier: 'addition', drifts: [extra(`/logouts/Dish/field${n}`, 'v')] }), `t${n}`);
    for (let n = 11; n <= 12; n++) folded.add(result(n, { status: 201 }), `t${n}`);
    expect(folded.rows).toHaveLength(5);
    expect(folded.rows.slice(0, 3).map((r) => r.repeats ?? 0)).toEqual([0, 0, 0]);
    expect(folded.rows[3]).toMatchObject({ repeats: 6, lastSeenAt: 't10' });
    expect(folded.rows[3]!.id).toMatch(/ #4 \(and exchanges with other drift of this operation and status: over 3 distinct rows, folded here\)$/);
    expect(folded.rows[4]).toMatchObject({ status: 201, repeats: 1 });
    expect(countResults(reportOf(folded.rows))).toMatchObject({ results: 12, drift: 10, pass: 2 });
  });
});

describe('proxy mode over many exchanges', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it('one row per kind of exchange, counted as the exchanges it stands for', async () => {
    let n = 0;
    const upstream = createServer((req, res) => {
      req.resume();
      n++;
      // Three kinds in turn: a valid logout, one without its url and with a field of its own (a
      // value that changes every time), and a gateway's 503.
      if (n % 3 === 1) res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"logouts":{"Dish":{"actionName":"logout","actionType":"interactive","mvpd":"Dish","url":"https://mvpd.example/logout"}}}');
      else if (n % 3 === 2) res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"logouts":{"Dish":{"actionName":"logout","actionType":"interactive","mvpd":"Dish","seen":${n}}}}`);
      else res.writeHead(503, { 'Content-Type': 'text/plain' }).end('busy');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => upstream.close(resolve)));
    const dir = await mkdtemp(join(tmpdir(), 'pass-proxy-fold-'));
    const proxy = await startProxy({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, port: 0, reportDir: dir, description });
    for (let i = 0; i < 60; i++) {
      const answer = await fetch(`${proxy.url}/api/v2/REF30/logout/Dish?redirectUrl=https%3A%2F%2Fadobe.com`, { headers: { 'X-Device-Info': 'e30=' } });
      await answer.arrayBuffer();
    }
    await proxy.close();
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as RunReport & { counts: ReturnType<typeof countResults> };
    expect(report.results.map((r) => [r.name, r.outcome, r.repeats])).toEqual([
      ['GET /api/v2/REF30/logout/Dish #1', 'pass', 19],
      ['GET /api/v2/REF30/logout/Dish #2', 'drift', 19],
      ['GET /api/v2/REF30/logout/Dish #3', 'error', 19],
    ]);
    expect(report.counts).toMatchObject({ results: 60, checked: 40, pass: 20, drift: 20, breaking: 20, addition: 20, error: 20 });
    expect(report.results[1]!.drifts.map((d) => [d.rule, d.pointer, d.actual])).toEqual([['field-missing', '/logouts/Dish/url', '(absent)'], ['field-undocumented', '/logouts/Dish/seen', '2']]);
  }, 60_000);
});
