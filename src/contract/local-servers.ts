// The local servers a check may start (the embedded mock, a fresh simulator), handed in by the caller:
// the contract check depends on the description, not on the mock or the simulator that serve it.
import type { Description } from '../description/index.ts';

/** A server started for one run, on a free loopback port. */
export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/** The simulator as a target also says which credentials and ids its default scenario accepts. */
export interface LocalSimulator extends LocalServer {
  /** PASS_SOFTWARE_STATEMENT, PASS_SERVICE_PROVIDER and PASS_MVPD for the check's real-host mode. */
  env: Record<string, string>;
}

/**
 * Starters for `--target mock` and `--target simulator`, each called only when its target is chosen
 * (the top layer wires them to the mock and the simulator, loaded on demand).
 */
export interface LocalServers {
  mock(description: Description): Promise<LocalServer>;
  simulator(description: Description): Promise<LocalSimulator>;
}
