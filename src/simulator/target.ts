// The simulator as a drift-check target: a fresh simulator with the default scenario and the
// credentials and ids the real-host mode reads from PASS_* variables.
import type { Description } from '../description/index.ts';
import { loadScenario } from './scenario.ts';
import { startSimulator } from './server.ts';

export interface SimulatorTarget {
  url: string;
  /** PASS_SOFTWARE_STATEMENT, PASS_SERVICE_PROVIDER and PASS_MVPD for the check's real-host mode. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the default scenario on a free loopback port. Its throttle is off: the check paces
 * itself for Adobe (1 request/s), which against a local simulator only costs time.
 */
export async function startSimulatorTarget(description: Description): Promise<SimulatorTarget> {
  const scenario = loadScenario(description);
  scenario.throttle.enabled = false;
  const sim = await startSimulator({ port: 0, description, scenario });
  const sp = Object.values(scenario.serviceProviders)[0]!;
  const statement = scenario.softwareStatements.find((s) => s.serviceProviders.includes(sp.id))!;
  const mvpd = sp.mvpds.find((id) => scenario.mvpds[id]!.kind === 'regular' && scenario.mvpds[id]!.degradation === 'none')!;
  return { url: sim.url, env: { PASS_SOFTWARE_STATEMENT: statement.statement, PASS_SERVICE_PROVIDER: sp.id, PASS_MVPD: mvpd }, close: () => sim.close() };
}
