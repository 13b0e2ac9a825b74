// The proxy's report directory changing under it while it runs for days: removed (`rm -rf
// reports`, a cleaner of old temp files), or blocked by a file. Before, every scheduled write
// failed in silence (the errors were swallowed) and the proxy forwarded for as long as it ran
// without a report, which only the final write at Ctrl-C revealed. Now a removed directory is made
// and taken again and the report written there in full, and a write that cannot be done is said
// once per reason, and again when the report is written again.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startMock, type RunningMock } from '../../src/mock/server.ts';
import { startProxy, type RunningProxy } from '../../src/proxy/server.ts';
import { description } from '../contract/support.ts';
import { until } from '../support/until.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup() {
  const mock: RunningMock = await startMock({ port: 0, description });
  cleanup.push(() => mock.close());
  const dir = join(await mkdtemp(join(tmpdir(), 'pass-proxy-dir-')), 'reports');
  const told: (string | undefined)[] = [];
  const proxy: RunningProxy = await startProxy({ upstream: mock.url, port: 0, reportDir: dir, description, onReportError: (e) => told.push(e?.message) });
  let open = true;
  cleanup.push(async () => open && proxy.close());
  const exchange = async () => (await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: { 'X-Device-Info': 'e30=' } })).arrayBuffer();
  const counted = async () => ((JSON.parse(await readFile(join(dir, 'report.json'), 'utf8').catch(() => '{}')) as { counts?: { results: number } }).counts?.results ?? 0);
  const close = async () => {
    open = false;
    return proxy.close();
  };
  return { dir, told, exchange, counted, close };
}

describe('the proxy report directory changing under a running proxy', () => {
  it('removed: made and taken again, the report written there in full, nothing said', async () => {
    const { dir, told, exchange, counted, close } = await setup();
    await exchange();
    await until(async () => (await counted()) === 1);
    await rm(dir, { recursive: true, force: true });
    await exchange();
    await exchange();
    await until(async () => (await counted()) === 3);
    expect((await readdir(dir)).sort()).toEqual(['.pass-contract.lock', 'junit.xml', 'report.json', 'summary.md']);
    // Removed again just before the stop: the final report is written too, and the lock let go.
    await rm(dir, { recursive: true, force: true });
    expect((await close()).exitCode).toBe(0);
    expect(await counted()).toBe(3);
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
    expect(told).toEqual([]);
  }, 30_000);

  it('blocked by a file: said once, however many writes fail; said again when the report is written again', async () => {
    const { dir, told, exchange, counted, close } = await setup();
    await exchange();
    await until(async () => (await counted()) === 1);
    await rm(dir, { recursive: true, force: true });
    await writeFile(dir, 'not a directory');
    await exchange();
    await until(() => told.length === 1);
    expect(told[0]).toBe(`--report ${dir} cannot hold the report: a file is in the way`);
    // More exchanges, more failed writes (one every 200 ms at most): nothing more is said.
    for (let i = 0; i < 3; i++) {
      await exchange();
      await sleep(250);
    }
    expect(told).toHaveLength(1);
    // The file goes: the directory is made again and the report holds every exchange.
    await rm(dir);
    await exchange();
    await until(() => told.length === 2);
    expect(told[1]).toBeUndefined();
    await until(async () => (await counted()) === 6);
    await close();
    expect(existsSync(join(dir, '.pass-contract.lock'))).toBe(false);
  }, 30_000);
});
