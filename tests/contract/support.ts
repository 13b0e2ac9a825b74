// Shared set-up for the check's tests: a fake Adobe host and the check run against it on one
// virtual clock, so Adobe's pacing costs no real time.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck, type CheckOptions, type CheckResult } from '../../src/contract/check.ts';
import type { CaseResult } from '../../src/contract/results.ts';
import { loadDescription } from '../../src/description/index.ts';
import { virtualClock } from '../client/support.ts';
import { startFakeAdobe, type FakeAdobe, type FakeAdobeOptions } from '../support/fake-adobe/index.ts';

export const description = loadDescription();

/** A software statement longer than the 200 characters a report cell keeps: a prefix would show. */
export const STATEMENT = `eyJjYW5hcnkiOiI3ZjNhIn0.${'U1RBVEVNRU5ULUNBTkFSWS03ZjNh'.repeat(12)}.c2ln`;

export const ENV = { PASS_SOFTWARE_STATEMENT: STATEMENT, PASS_SERVICE_PROVIDER: 'REF30', PASS_MVPD: 'Cablevision' };

export interface Run {
  host: FakeAdobe;
  result: CheckResult;
  dir: string;
  clock: ReturnType<typeof virtualClock>;
  /** The three report files' text. */
  files(): Promise<Record<string, string>>;
  find(operationId: string, kind?: CaseResult['kind']): CaseResult[];
}

/** Starts a fake host (virtual clock unless one is given), runs the check against it, stops the host. */
export async function checkAgainst(host: FakeAdobeOptions = {}, check: CheckOptions = {}): Promise<Run> {
  const clock = virtualClock();
  const fake = await startFakeAdobe({ clock, softwareStatement: STATEMENT, description, ...host });
  const dir = await mkdtemp(join(tmpdir(), 'pass-check-'));
  try {
    const result = await runCheck({ target: fake.baseUrl, reportDir: dir, driftFile: false, env: ENV, description, pace: { clock }, ...check });
    return {
      host: fake, result, dir, clock,
      files: async () => Object.fromEntries(await Promise.all((await readdir(dir)).map(async (f) => [f, await readFile(join(dir, f), 'utf8')] as const))),
      find: (operationId, kind) => result.report.results.filter((r) => r.operationId === operationId && (!kind || r.kind === kind)),
    };
  } finally {
    await fake.close();
  }
}
