// The library's runCheck (src/check.ts, exported by 'pass-contract'): the contract check with the
// real mock and simulator wired in, so `runCheck({ target: 'mock' })` needs nothing more, and a
// caller's own starter replaces only the one it gives.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../src/index.ts';
import type { Description } from '../src/description/index.ts';
import { loadDescription } from '../src/description/index.ts';
import { startMock } from '../src/mock/server.ts';

const description = loadDescription();
const tmp = () => mkdtemp(join(tmpdir(), 'pass-lib-check-'));
afterEach(() => vi.restoreAllMocks());
const passing = (r: Awaited<ReturnType<typeof runCheck>>) => r.report.results.filter((x) => x.outcome === 'pass').length;

describe("runCheck from 'pass-contract'", () => {
  it('target mock with no servers given: starts and stops the embedded mock itself', async () => {
    const result = await runCheck({ target: 'mock', reportDir: await tmp(), driftFile: false, operations: ['retrieveConfiguration'] });
    expect(result.report.target).toBe('embedded mock');
    expect(result.report.results.length).toBeGreaterThan(0);
    expect(passing(result)).toBe(result.report.results.length);
    expect(result.exitCode).toBe(0);
  });

  it('target simulator with no servers given: a fresh simulator, checked as a real host', async () => {
    const result = await runCheck({ target: 'simulator', reportDir: await tmp(), description, driftFile: false, operations: ['retrieveConfiguration'] });
    expect(result.report.mode).toBe('remote');
    expect(result.report.target).toMatch(/^simulator \(default scenario\) at http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.report.results.some((r) => r.operationId === 'retrieveConfiguration')).toBe(true);
    expect(passing(result)).toBe(result.report.results.length);
  });

  it("a caller's mock starter replaces the default one, called as a method of the object given", async () => {
    class CountingServers {
      started: Description[] = [];
      async mock(d: Description) {
        this.started.push(d);
        return startMock({ port: 0, description: d });
      }
    }
    const servers = new CountingServers();
    const result = await runCheck({ target: 'mock', reportDir: await tmp(), description, driftFile: false, operations: ['retrieveConfiguration'], servers });
    expect(servers.started).toEqual([description]);
    expect(servers.started[0]).toBe(description);
    expect(result.exitCode).toBe(0);
  });

  it("reports the time it ran when the wall clock steps back an hour during the run (NTP), not a negative one", async () => {
    const wall = Date.now.bind(Date);
    const servers = {
      mock: (d: Description) => {
        // The run has begun: the wall clock is set back an hour under it.
        vi.spyOn(Date, 'now').mockImplementation(() => wall() - 3_600_000);
        return startMock({ port: 0, description: d });
      },
    };
    const result = await runCheck({ target: 'mock', reportDir: await tmp(), description, driftFile: false, operations: ['retrieveConfiguration'], servers });
    expect(result.exitCode).toBe(0);
    expect(result.report.durationMs).toBeGreaterThan(0);
    expect(result.report.durationMs).toBeLessThan(60_000);
  });
});
