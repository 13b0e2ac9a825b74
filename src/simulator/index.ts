// The stateful Adobe Pass simulator: public entry points.
export { createVirtualClock, type SimClock } from './clock.ts';
export { Simulator, type SimRequest, type SimResponse, type SimulatorOptions } from './engine.ts';
export { createRandom, type SimRandom } from './random.ts';
export { defaultScenarioPath, loadScenario, parseScenario, ScenarioError, scenarioSchemaPath, type Scenario } from './scenario.ts';
export { startSimulator, type RunningSimulator, type StartSimulatorOptions } from './server.ts';
export { MemoryStore, type Namespace, type StateStore } from './store.ts';
