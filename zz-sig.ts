import { getEventListeners } from 'node:events';
import { buildDeviceInfo, createPassClient, deviceHeaders, retrieveDecisions } from './packages/client/src/index.ts';
import { startSimulator } from './src/simulator/server.ts';
const sim = await startSimulator({ port: 0 });
const statement = sim.simulator.ctx.scenario.softwareStatements[0]!.statement;
const device = { primaryHardwareType: 'SetTopBox', model: 'AppleTV', version: '5,3', osName: 'tvOS', osVersion: '17.0', connectionType: 'WiFi' } as const;
const header = deviceHeaders({ deviceId: 'ba23d141-d715-561c-94f4-e9e4c966b1eb', device, forwardedFor: '203.0.113.7' });
const pass = createPassClient({ baseUrl: sim.url, dcr: { softwareStatement: statement, deviceInfo: buildDeviceInfo(device) } });
const c = new AbortController();
const sp = 'REF30';
for (let i = 0; i < 30; i++) {
  const r = await pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: sp }, header }, signal: c.signal });
  const p = await pass.GET('/api/v2/{serviceProvider}/profiles', { params: { path: { serviceProvider: sp }, header }, signal: c.signal });
  const d = await retrieveDecisions(pass, { kind: 'preauthorize', serviceProvider: sp, mvpd: 'Cablevision', resources: ['REF30'], headers: header, signal: c.signal }).catch((e) => e);
  if (i % 10 === 0) console.log(i, r.response.status, p.response.status, d?.constructor?.name, 'listeners', getEventListeners(c.signal, 'abort').length);
}
console.log('final listeners', getEventListeners(c.signal, 'abort').length);
await sim.close();
const ls = getEventListeners(c.signal, 'abort');
const names = new Map<string, number>();
for (const l of ls) { const k = (l as Function).toString().slice(0, 120).replace(/\s+/g, ' '); names.set(k, (names.get(k) ?? 0) + 1); }
console.log(names);
