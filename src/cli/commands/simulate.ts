// `pass-contract simulate`: a stateful Adobe Pass on loopback (scenario file or the default one), until Ctrl-C.
import { Command, Option } from 'commander';
import { UsageError } from '../../contract/usage-error.ts';
import { loadDescription } from '../../description/index.ts';
import { recordingSummary } from '../../http/recording.ts';
import { loadScenario, ScenarioError, type Scenario } from '../../simulator/scenario.ts';
import { startSimulator } from '../../simulator/server.ts';
import type { CommandContext } from '../io.ts';
import { asUsageError, parsePort, requestLine } from './options.ts';

/** What a user needs to point an application at the simulator. */
export function describeScenario(url: string, scenario: Scenario): string[] {
  const statement = scenario.softwareStatements[0]!;
  const lines = [
    `simulator listening on ${url} (scenario ${scenario.source})`,
    `software statement (${statement.name}): ${statement.statement}`,
  ];
  for (const sp of Object.values(scenario.serviceProviders)) {
    lines.push(`service provider ${sp.id}: ${sp.name}`);
    for (const id of sp.mvpds) {
      const m = scenario.mvpds[id]!;
      const traits = [
        m.kind === 'regular' ? (m.logoutEndpoint ? 'logout endpoint' : 'no logout endpoint') : `${m.kind}${m.tempPass?.misconfigured ? ', misconfigured' : ''}`,
        ...(m.degradation !== 'none' ? [m.degradation] : []),
        ...m.partners.map((p) => `${p} SSO`),
      ];
      const users = scenario.users.filter((u) => u.mvpd === id).map((u) => `${u.username}/${u.password}`);
      lines.push(`  MVPD ${id} (${m.displayName}): ${traits.join(', ')}${users.length ? `; sign in as ${users.join(', ')}` : ''}`);
    }
  }
  lines.push(`throttle ${scenario.throttle.enabled ? `on (${scenario.throttle.ratePerSecond}/s after a burst of ${scenario.throttle.burst})` : 'off'}; control API ${url}/_sim`);
  return lines;
}

export function simulateCommand({ io }: CommandContext): Command {
  return new Command('simulate')
    .description('run a stateful Adobe Pass simulator (sessions, MVPD sign-in, profiles, decisions, TempPass, SSO, throttle) on loopback')
    .option('-p, --port <port>', 'port (0 picks a free one)', parsePort, 4020)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-s, --scenario <file>', 'scenario file (YAML or JSON, see schemas/scenario.schema.json); default: the shipped default scenario')
    .option('--no-throttle', "turn Adobe's per-device throttle off whatever the scenario says")
    .addOption(new Option('--verbose', 'log each request').default(false))
    .option('--record <file>', 'write every exchange to this HAR 1.2 file (secrets redacted; valid after each exchange) for `pass-contract audit`')
    .action(async (opts: { port: number; host: string; scenario?: string; throttle: boolean; verbose: boolean; record?: string }) => {
      const description = loadDescription();
      let scenario: Scenario;
      try {
        scenario = loadScenario(description, ...(opts.scenario ? [opts.scenario] : []));
      } catch (error) {
        if (error instanceof ScenarioError) throw new UsageError(error.message);
        throw error;
      }
      if (!opts.throttle) scenario.throttle.enabled = false;
      const sim = await startSimulator({
        port: opts.port, host: opts.host, description, scenario,
        ...(opts.verbose ? { onRequest: (e: { method: string; path: string; status: number; violation?: string }) => io.out(requestLine(e)) } : {}),
        ...(opts.record ? { record: opts.record, onRecordError: (e: Error) => io.err(`pass-contract simulate: ${e.message} (the simulator goes on serving)`) } : {}),
      }).catch(asUsageError);
      for (const line of describeScenario(sim.url, scenario)) io.out(line);
      if (sim.recording) io.out(`recording every exchange to ${sim.recording.path} (HAR 1.2, secrets redacted)`);
      await io.stopped();
      await sim.close();
      if (sim.recording) io.out(recordingSummary(sim.recording));
    });
}
