import { getEventListeners } from 'node:events';
import { buildDeviceInfo, createPassClient, deviceHeaders } from './packages/client/src/index.ts';
import { startSimulator } from './src/simulator/server.ts';
process.on('warning', (w) => console.log('WARNING', w.name, w.message));
const sim = await startSimulator({ port: 0, scenario: undefined });
(sim.simulator.ctx.scenario as any).throttle.enabled = false;
const statement = sim.simulator.ctx.scenario.softwareStatements[0]!.statement;
const device = { primaryHardwareType: 'SetTopBox', model: 'AppleTV', version: '5,3', osName: 'tvOS', osVersion: '17.0', connectionType: 'WiFi' } as const;
const header = deviceHeaders({ deviceId: 'ba23d141-d715-561c-94f4-e9e4c966b1eb', device, forwardedFor: '203.0.113.7' });
const pass = createPassClient({ baseUrl: sim.url, dcr: { softwareStatement: statement, deviceInfo: buildDeviceInfo(device) } });
const c = new AbortController();
let max = 0;
const t0 = performance.now();
for (let i = 0; i < 4000; i++) {
  const batch = [];
  for (let j = 0; j < 8; j++) batch.push(pass.GET('/api/v2/{serviceProvider}/profiles', { params: { path: { serviceProvider: 'REF30' }, header }, signal: c.signal }));
  const rs = await Promise.all(batch);
  if (rs.some((r) => r.response.status !== 200) && i < 3) console.log('status', rs.map((r) => r.response.status));
  max = Math.max(max, getEventListeners(c.signal, 'abort').length);
  i += 7;
}
console.log('max listeners seen', max, 'final', getEventListeners(c.signal, 'abort').length, (performance.now() - t0).toFixed(0), 'ms');
await sim.close();
