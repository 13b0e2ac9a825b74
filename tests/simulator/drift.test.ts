// Proof the simulator is Adobe-shaped: the drift check in real-host mode, state-changing cases
// included, finds no drift against a fresh simulator with the default scenario.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/contract/check.ts';
import { startTestSimulator, sharedDescription } from './support.ts';

describe('the drift check against the simulator', () => {
  it('finds 0 drift and 0 errors in real-host mode with --include-state-changing', async () => {
    const t = await startTestSimulator();
    try {
      const { counts, report } = await runCheck({
        target: t.url, includeStateChanging: true, description: sharedDescription(), reportDir: mkdtempSync(join(tmpdir(), 'pass-sim-drift-')),
        // The simulator's throttle is off here; pacing would only slow the run down.
        pace: { burst: 1_000_000, ratePerSecond: 1_000_000 },
        env: { PASS_SOFTWARE_STATEMENT: t.scenario.softwareStatements[0]!.statement, PASS_SERVICE_PROVIDER: 'REF30', PASS_MVPD: 'Cablevision' },
      });
      expect(report.results.filter((r) => r.outcome !== 'pass').map((r) => `${r.id}: ${r.error ?? JSON.stringify(r.drifts)}`)).toEqual([]);
      expect(counts.skipped).toBe(0);
      expect(counts.pass).toBeGreaterThan(100);
    } finally {
      await t.close();
    }
  });
});
