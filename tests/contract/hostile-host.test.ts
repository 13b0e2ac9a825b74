// A seeded fuzzer playing a hostile Adobe host (tests/support/hostile-host.ts) against the whole
// check (`runCheck` on a real-host target, DCR included). The run must end, with an exit code and
// its three report files whole, every case in the report with a known outcome, and no secret in any
// file. The seed of a failing run is in the test name; CHECK_FUZZ_SEEDS=1,2,3 runs others.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/contract/check.ts';
import { hostileHost } from '../support/hostile-host.ts';
import { description, ENV, STATEMENT } from './support.ts';

const SEEDS = (process.env.CHECK_FUZZ_SEEDS ?? '12,31,37').split(',').map(Number);
const OUTCOMES = new Set(['pass', 'drift', 'accepted', 'error', 'not-checked', 'skipped']);

describe('the check against a hostile host', () => {
  it.each(SEEDS)('seed %i: the run ends with an exit code, whole reports, known outcomes and no secret', async (seed) => {
    const host = await hostileHost(seed);
    const dir = await mkdtemp(join(tmpdir(), 'pass-hostile-'));
    try {
      const result = await runCheck({
        target: host.url, reportDir: dir, env: ENV, description, driftFile: false, includeStateChanging: true,
        requestTimeoutMs: 250, pace: { ratePerSecond: 1000, maxHoldMs: 5 }, maxRetries: 1,
      });
      expect([0, 1, 2]).toContain(result.exitCode);
      expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
      const files = Object.fromEntries(await Promise.all(['junit.xml', 'report.json', 'summary.md'].map(async (f) => [f, await readFile(join(dir, f), 'utf8')] as const)));
      const report = JSON.parse(files['report.json']!) as { results: { outcome: string }[] };
      expect(report.results.length).toBe(result.report.results.length);
      expect(report.results.filter((r) => !OUTCOMES.has(r.outcome))).toEqual([]);
      expect(XMLValidator.validate(files['junit.xml']!)).toBe(true);
      expect(new XMLParser().parse(files['junit.xml']!)).toHaveProperty('testsuites');
      for (const [name, text] of Object.entries(files)) {
        expect(text, name).not.toContain('CANARY');
        expect(text, name).not.toContain(STATEMENT.slice(30, 60));
      }
      console.log(`seed ${seed}: exit ${result.exitCode}, ${host.requests()} requests, ${JSON.stringify(result.counts)}`);
    } finally {
      await host.close();
    }
  }, 120_000);
});
