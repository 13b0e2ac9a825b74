// What every handler receives: the scenario, the state store, the clock, the seeded randomness,
// the description's validator, the run-time settings the control API changes, and the request.
import type { Json, Operation } from '../description/document.ts';
import type { Description } from '../description/index.ts';
import type { SimClock } from './clock.ts';
import type { SimRandom } from './random.ts';
import type { DegradationRule, Fault, MvpdConfig, Scenario } from './scenario.ts';
import type { StateStore } from './store.ts';
import type { RequestValidator } from './validate.ts';

/** Settings a test changes at run time through the control API; reset restores the scenario's. */
export interface RuntimeSettings {
  faults: Fault[];
  degradation: Record<string, DegradationRule>;
}

export interface SimContext {
  description: Description;
  scenario: Scenario;
  store: StateStore;
  clock: SimClock;
  random: SimRandom;
  validator: RequestValidator;
  runtime: RuntimeSettings;
}

/** A validated request to a described operation. */
export interface OpRequest {
  op: Operation;
  path: Record<string, string>;
  query: URLSearchParams;
  /** Lower-cased names. */
  headers: Record<string, string | undefined>;
  body: Json | undefined;
  /** Scheme, host and port the client used, for the absolute URLs the simulator hands out. */
  origin: string;
  /** The caller's address (X-Forwarded-For's first entry, else the socket's). */
  ip: string;
  remotePort: number;
  /** The DCR client behind the access token (operations that need one). */
  client?: { clientId: string; serviceProviders: string[] };
  /** A fault's error for decisions, answered as item-level errors on every resource. */
  faultError?: { code: string; status?: number };
}

/** The degradation rule in force for an MVPD (a control API override wins over the scenario). */
export const degradationOf = (ctx: SimContext, mvpd: MvpdConfig): DegradationRule => ctx.runtime.degradation[mvpd.id] ?? mvpd.degradation;

/** Whether `mvpd` is integrated with service provider `sp`. */
export const integrated = (ctx: SimContext, sp: string, mvpd: string): boolean => ctx.scenario.serviceProviders[sp]?.mvpds.includes(mvpd) ?? false;
