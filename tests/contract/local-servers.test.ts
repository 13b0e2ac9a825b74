// The check starts the mock or the simulator only through the `LocalServers` it is handed: each
// starter gets the loaded description, is called only for its target, and what it started is
// stopped when the run ends; without the starter a target needs, nothing is written.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/contract/check.ts';
import type { LocalServers } from '../../src/contract/local-servers.ts';
import type { Description } from '../../src/description/index.ts';
import { startMock } from '../../src/mock/server.ts';
import { virtualClock } from '../client/support.ts';
import { startFakeAdobe } from '../support/fake-adobe/index.ts';
import { description, ENV, STATEMENT } from './support.ts';

const tmp = () => mkdtemp(join(tmpdir(), 'pass-servers-'));
const never = (kind: string) => async (): Promise<never> => {
  throw new Error(`the ${kind} starter was called`);
};

describe('the check with injected local servers', () => {
  it.each(['mock', 'simulator'] as const)('target %s without its starter: a TypeError naming the option, before the report directory is made', async (kind) => {
    const reportDir = join(await tmp(), 'reports');
    const other: Partial<LocalServers> = kind === 'mock' ? { simulator: never('simulator') } : { mock: never('mock') };
    await expect(runCheck({ target: kind, reportDir, description, driftFile: false, servers: other })).rejects.toThrow(
      new TypeError(`runCheck: target "${kind}" needs options.servers.${kind} to start it (the runCheck exported by 'pass-contract' supplies it)`),
    );
    await expect(runCheck({ target: kind, reportDir, description, driftFile: false })).rejects.toThrow(TypeError);
    expect(existsSync(reportDir)).toBe(false);
  });

  it.each([
    ['its credentials are missing (the target cannot be built)', {}, /PASS_/],
    ['the first report cannot be written', ENV, /EISDIR|directory/i],
  ] as const)('a run that fails after the simulator started because %s: the error goes to the caller and the simulator is stopped', async (_why, env, error) => {
    const reportDir = await tmp();
    // A folder where the check writes junit.xml: the directory check passes, the first write fails.
    await mkdir(join(reportDir, 'junit.xml'));
    let closed = 0;
    const servers: LocalServers = {
      mock: never('mock'),
      simulator: async () => ({ url: 'http://127.0.0.1:9/', env: { ...env }, close: async () => void closed++ }),
    };
    await expect(runCheck({ target: 'simulator', reportDir, description, driftFile: false, servers })).rejects.toThrow(error);
    expect(closed).toBe(1);
  });

  it('target mock: the mock starter gets the very description object, serves the run, and is stopped once', async () => {
    const seen: Description[] = [];
    let closed = 0;
    const servers: LocalServers = {
      async mock(d) {
        seen.push(d);
        const mock = await startMock({ port: 0, description: d });
        return { url: mock.url, close: async () => void (closed++, await mock.close()) };
      },
      simulator: never('simulator'),
    };
    const result = await runCheck({ target: 'mock', reportDir: await tmp(), description, driftFile: false, operations: ['retrieveConfiguration'], servers });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(description);
    expect(closed).toBe(1);
    expect(result.report.target).toBe('embedded mock');
    expect(result.report.results.length).toBeGreaterThan(0);
    expect(result.report.results.filter((r) => r.outcome !== 'pass').map((r) => r.id)).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it('target simulator: checked as a real host with the credentials the starter gives, not the environment\'s', async () => {
    const clock = virtualClock();
    const host = await startFakeAdobe({ clock, softwareStatement: STATEMENT, description });
    let closed = 0;
    try {
      const servers: LocalServers = {
        mock: never('mock'),
        simulator: async (d) => {
          expect(d).toBe(description);
          return { url: host.baseUrl, env: ENV, close: async () => void closed++ };
        },
      };
      // The environment's statement would be refused by the host: only the starter's is accepted.
      const env = { ...ENV, PASS_SOFTWARE_STATEMENT: 'not-the-one' };
      const result = await runCheck({ target: 'simulator', reportDir: await tmp(), description, driftFile: false, env, operations: ['retrieveConfiguration'], pace: { clock }, servers });
      expect(closed).toBe(1);
      expect(result.report.mode).toBe('remote');
      expect(result.report.target).toBe(`simulator (default scenario) at ${host.baseUrl}`);
      expect(host.count('retrieveConfiguration')).toBeGreaterThan(0);
      expect(result.report.results.filter((r) => r.outcome !== 'pass').map((r) => `${r.id}: ${r.error ?? ''}`)).toEqual([]);
    } finally {
      await host.close();
    }
  });

  it('a remote target calls neither starter', async () => {
    const clock = virtualClock();
    const host = await startFakeAdobe({ clock, softwareStatement: STATEMENT, description });
    try {
      const result = await runCheck({
        target: host.baseUrl, reportDir: await tmp(), description, driftFile: false, env: ENV, operations: ['retrieveConfiguration'], pace: { clock },
        servers: { mock: never('mock'), simulator: never('simulator') },
      });
      expect(result.report.target).toBe(host.baseUrl.replace(/\/$/, ''));
      expect(result.exitCode).toBe(0);
    } finally {
      await host.close();
    }
  });
});
