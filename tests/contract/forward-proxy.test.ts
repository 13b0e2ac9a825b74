// A CI runner that reaches Adobe only through its network's proxy: `check --target <url>`, `diff`
// and `upstream` go through the proxy HTTPS_PROXY / HTTP_PROXY names, skip it for a host NO_PROXY
// lists, and never show its password, even when the proxy echoes it back.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCheck as runWiredCheck } from '../../src/check.ts';
import { runCheck } from '../../src/contract/check.ts';
import { fetchText } from '../../src/diff/fetch.ts';
import { startFakeAdobe, type FakeAdobe } from '../support/fake-adobe/index.ts';
import { startForwardProxy, type ForwardProxy } from '../support/forward-proxy.ts';
import { description, ENV, STATEMENT } from './support.ts';

const PASSWORD = 'CANARY-proxy-password-51d3';
const CREDENTIALS = `Basic ${Buffer.from(`ci-runner:${PASSWORD}`).toString('base64')}`;
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy', 'npm_config_proxy', 'npm_config_http_proxy', 'npm_config_https_proxy', 'npm_config_no_proxy'];
const saved = Object.fromEntries(PROXY_VARIABLES.map((k) => [k, process.env[k]]));
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** The environment of a runner whose proxy is `proxy` (with the runner's password in its URL), and nothing else. */
function behind(proxy: ForwardProxy, noProxy = '') {
  for (const k of PROXY_VARIABLES) delete process.env[k];
  const url = new URL(proxy.url);
  url.username = 'ci-runner';
  url.password = PASSWORD;
  process.env.HTTP_PROXY = url.href;
  process.env.HTTPS_PROXY = url.href;
  if (noProxy) process.env.NO_PROXY = noProxy;
}

async function setup(o: { expect?: string } = {}): Promise<{ host: FakeAdobe; proxy: ForwardProxy }> {
  const host = await startFakeAdobe({ throttle: false, softwareStatement: STATEMENT, description });
  const proxy = await startForwardProxy(o);
  cleanup.push(() => host.close(), () => proxy.close());
  return { host, proxy };
}

async function check(host: FakeAdobe) {
  const dir = await mkdtemp(join(tmpdir(), 'pass-proxy-env-'));
  const lines: string[] = [];
  const result = await runCheck({
    target: host.baseUrl, reportDir: dir, driftFile: false, env: ENV, description, operations: ['retrieveConfiguration'], pace: { ratePerSecond: 1000 },
    onResult: (r) => lines.push(JSON.stringify(r)),
  });
  const files = await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f), 'utf8')));
  return { result, everything: [...files, ...lines, result.report.statusDetail ?? ''].join('\n') };
}

describe('check --target <url> behind a proxy the environment names', () => {
  it('goes through it: one tunnel per connection to the host, with the runner\'s credentials; exit 0', async () => {
    const { host, proxy } = await setup({ expect: CREDENTIALS });
    behind(proxy);
    const { result, everything } = await check(host);
    expect(result.exitCode).toBe(0);
    expect(result.report.results.filter((r) => r.outcome === 'error')).toEqual([]);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels.map((t) => t.target))).toEqual(new Set([new URL(host.baseUrl).host]));
    expect(proxy.tunnels.every((t) => t.authorization === CREDENTIALS)).toBe(true);
    expect(host.received.length).toBeGreaterThan(2);
    expect(everything).not.toContain(PASSWORD);
  });

  it('goes direct to a host NO_PROXY lists', async () => {
    const { host, proxy } = await setup();
    behind(proxy, '127.0.0.1');
    const { result } = await check(host);
    expect(result.exitCode).toBe(0);
    expect(proxy.tunnels).toEqual([]);
  });

  it('a proxy that refuses the credentials (and echoes them): exit 2, the refusal named, the password nowhere', async () => {
    const { host, proxy } = await setup({ expect: 'Basic c29tZW9uZS1lbHNl' });
    behind(proxy);
    const { result, everything } = await check(host);
    expect(result.exitCode).toBe(2);
    expect(host.received).toEqual([]);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(everything).toContain('the proxy refused the tunnel: HTTP 407');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(CREDENTIALS.slice('Basic '.length));
  });

  it('a proxy nothing listens on: exit 2 at the connect probe, naming the proxy (not its password), nothing sent', async () => {
    const { host, proxy } = await setup();
    behind(proxy);
    const port = new URL(proxy.url).port;
    await cleanup.pop()!(); // the proxy is closed: its port refuses connections
    const { result, everything } = await check(host);
    expect(result.exitCode).toBe(2);
    expect(result.report.status).toBe('unreachable');
    expect(result.report.statusDetail).toMatch(new RegExp(`^cannot connect to the proxy 127\\.0\\.0\\.1:${port} that the environment names .*: ECONNREFUSED$`));
    expect(host.received).toEqual([]);
    expect(everything).not.toContain(PASSWORD);
  });
});

describe('the hosts a run starts on this machine', () => {
  it('the simulator is reached directly, whatever proxy the environment names', async () => {
    const proxy = await startForwardProxy();
    behind(proxy);
    const result = await runWiredCheck({ target: 'simulator', reportDir: await mkdtemp(join(tmpdir(), 'pass-proxy-env-')), driftFile: false, description, operations: ['retrieveConfiguration'] });
    expect(result.exitCode).toBe(0);
    expect(result.report.results.filter((r) => r.outcome === 'pass').length).toBeGreaterThan(0);
    expect(proxy.tunnels).toEqual([]);
    await proxy.close();
  });
});

describe('diff and upstream behind a proxy', () => {
  it('fetch a description through it', async () => {
    const { host, proxy } = await setup({ expect: CREDENTIALS });
    behind(proxy);
    const text = await fetchText(`${host.baseUrl}/api/v2/REF30/configuration`).catch((e: Error) => e.message);
    // The fake host answers that path (401 without a token): the request reached it through the tunnel.
    expect(text).toMatch(/HTTP 401/);
    expect(proxy.tunnels.map((t) => t.target)).toEqual([new URL(host.baseUrl).host]);
  });
});
