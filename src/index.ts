// `pass-contract`: the tools as a library (the CLI is a thin wrapper over these).
export { runCheck } from './check.ts';
export { UsageError, ENV, type CheckOptions, type CheckResult, type LocalServer, type LocalServers, type LocalSimulator } from './contract/check.ts';
export { startMock, type MockOptions, type RunningMock } from './mock/server.ts';
export { startProxy, type ProxyOptions, type RunningProxy } from './proxy/server.ts';
export { main } from './cli/main.ts';
export { startSimulator, loadScenario, parseScenario, ScenarioError, MemoryStore, createVirtualClock, type StartSimulatorOptions, type RunningSimulator, type Scenario, type StateStore } from './simulator/index.ts';
export { runDiff, writeDiffReports, RULES as DIFF_RULES, type Change, type DiffReport } from './diff/index.ts';
export { auditFiles, type AuditReport, type AuditSettings } from './audit/audit.ts';
