// The contract check as the library and the CLI run it: src/contract's runCheck with the local servers
// wired in. This is the top layer, where the check meets the mock and the simulator; each is imported
// only when its target is chosen, so a check against a remote host loads neither Prism nor the simulator.
import { runCheck as runContractCheck, type CheckOptions, type CheckResult } from './contract/check.ts';
import type { LocalServers } from './contract/local-servers.ts';

/** The embedded mock and a fresh simulator with the default scenario, each on a free loopback port. */
const localServers: LocalServers = {
  async mock(description) {
    const { startMock } = await import('./mock/server.ts');
    return startMock({ port: 0, description });
  },
  async simulator(description) {
    const { startSimulatorTarget } = await import('./simulator/target.ts');
    return startSimulatorTarget(description);
  },
};

/** Runs the check; `target: 'mock'` (the default) and `'simulator'` start their server unless `servers` says otherwise. */
export function runCheck(o: CheckOptions = {}): Promise<CheckResult> {
  // Each starter called as a method of what the caller gave (a class instance keeps its `this`).
  const given = o.servers;
  const servers: LocalServers = {
    mock: (description) => (given?.mock ? given.mock(description) : localServers.mock(description)),
    simulator: (description) => (given?.simulator ? given.simulator(description) : localServers.simulator(description)),
  };
  return runContractCheck({ ...o, servers });
}
