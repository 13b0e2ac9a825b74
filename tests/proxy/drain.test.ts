// Stopping the proxy while exchanges are in flight (a deploy's SIGTERM, a Ctrl-C). Before, close()
// cut every connection at once: a service's request in flight got a reset (a POST that acts, a lost
// answer), and the report never heard of it. Now the proxy stops listening, lets what is in flight
// finish for up to `drainMs` (the CLI's `--drain`, 10 s), then cuts the rest; a second Ctrl-C cuts
// at once. The upstream here answers when the test lets it, so nothing depends on timing.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { projectRoot } from '../../src/description/document.ts';
import { startProxy } from '../../src/proxy/server.ts';
import { description } from '../contract/support.ts';
import { until } from '../support/until.ts';

const CONFIGURATION = '/api/v2/REF30/configuration';
const ANSWER = JSON.stringify({ id: 'configuration', duration: 300, mvpds: [] });

/** An upstream that holds every request until the test releases it. */
async function heldUpstream() {
  const held: ServerResponse[] = [];
  const waiting: (() => void)[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    held.push(res);
    for (const w of waiting.splice(0)) w();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Resolves once `n` requests are held. */
    holding: async (n: number) => {
      while (held.length < n) await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release: () => {
      for (const res of held.splice(0)) res.writeHead(200, { 'Content-Type': 'application/json' }).end(ANSWER);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** One request through `agent`: its status, `Connection` header and body, or the error's code. */
function get(url: string, agent: Agent): Promise<{ status: number; connection: string | undefined; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.on('timeout', () => req.destroy(new Error('test timeout')));
    req.end();
  });
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup() {
  const upstream = await heldUpstream();
  cleanup.push(() => upstream.close());
  const dir = await mkdtemp(join(tmpdir(), 'pass-proxy-drain-'));
  const proxy = await startProxy({ upstream: upstream.url, port: 0, reportDir: dir, description });
  const agent = new Agent({ keepAlive: true });
  cleanup.push(async () => agent.destroy());
  const report = async () => JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { status: string; results: { operationId: string; status?: number; repeats?: number }[]; counts: { results: number } };
  return { upstream, proxy, agent, report };
}

describe('stopping the proxy with exchanges in flight', () => {
  it('lets them finish: the clients get whole answers on connections then closed, the report has them, and nothing new gets in', async () => {
    const { upstream, proxy, agent, report } = await setup();
    // One connection left idle by an exchange that ended, and two exchanges in flight.
    upstream.release();
    const first = get(`${proxy.url}${CONFIGURATION}`, agent);
    await upstream.holding(1);
    upstream.release();
    expect(await first).toMatchObject({ status: 200 });
    const inFlight = [get(`${proxy.url}${CONFIGURATION}`, agent), get(`${proxy.url}${CONFIGURATION}`, agent)];
    await upstream.holding(2);

    const told: number[] = [];
    const closing = proxy.close({ drainMs: 600_000, onDrain: (n) => told.push(n) });
    expect(told).toEqual([2]);
    // The proxy no longer listens: a new connection is refused.
    expect(await get(`${proxy.url}${CONFIGURATION}`, new Agent())).toEqual({ error: 'ECONNREFUSED' });
    upstream.release();
    for (const answer of await Promise.all(inFlight)) expect(answer).toEqual({ status: 200, connection: 'close', body: ANSWER });
    // The idle connection did not hold the drain for its 600 s (the test's own timeout is far shorter).
    const verdict = await closing;
    expect(verdict.exitCode).toBeLessThan(2);
    const final = await report();
    expect(final.status).toBe('complete');
    // Three exchanges alike: one row that stands for them all.
    expect(final.results.map((r) => [r.operationId, r.status, r.repeats])).toEqual([['retrieveConfiguration', 200, 2]]);
    expect(final.counts.results).toBe(3);
  }, 30_000);

  it('cuts what is still in flight when the drain ends, and writes the final report', async () => {
    const { upstream, proxy, agent, report } = await setup();
    const stuck = get(`${proxy.url}${CONFIGURATION}`, agent);
    await upstream.holding(1);
    await proxy.close({ drainMs: 50 });
    expect(await stuck).toHaveProperty('error');
    expect((await report()).status).toBe('complete');
  }, 30_000);

  it('a second Ctrl-C (the signal) cuts the drain short', async () => {
    const { upstream, proxy, agent, report } = await setup();
    const stuck = get(`${proxy.url}${CONFIGURATION}`, agent);
    await upstream.holding(1);
    const cut = new AbortController();
    const closing = proxy.close({ drainMs: 600_000, signal: cut.signal });
    cut.abort();
    await closing;
    expect(await stuck).toHaveProperty('error');
    expect((await report()).status).toBe('complete');
  }, 30_000);

  it('close() without a drain cuts at once, as before; a drain that is not a timer is refused', async () => {
    const { upstream, proxy, agent } = await setup();
    await expect(proxy.close({ drainMs: Number.NaN })).rejects.toThrow('proxy.close: drainMs must be a number of milliseconds from 0 to 2147483647');
    const stuck = get(`${proxy.url}${CONFIGURATION}`, agent);
    await upstream.holding(1);
    await proxy.close();
    expect(await stuck).toHaveProperty('error');
  }, 30_000);
});

/** `pass-contract proxy` in front of a held upstream, with its output and exit. */
async function proxyCommand() {
  const upstream = await heldUpstream();
  cleanup.push(() => upstream.close());
  const dir = await mkdtemp(join(tmpdir(), 'pass-proxy-drain-cli-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/bin.ts'), 'proxy', '--upstream', upstream.url, '--port', '0', '--report', dir], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanup.push(async () => void child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve) => child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    const m = /proxy listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
    if (m) resolve(m[1]!);
  }));
  /** Resolves once stderr says `pattern` (the test's timeout bounds the wait). */
  const said = (pattern: RegExp) => until(() => pattern.test(stderr));
  const report = async () => JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { status: string; results: unknown[]; counts: { results: number } };
  return { upstream, child, url, exit, said, report, stderr: () => stderr };
}

describe('pass-contract proxy on SIGTERM', () => {
  it('drains what is in flight, saying so on stderr, then writes its report and exits', async () => {
    const run = await proxyCommand();
    const answers = [get(`${run.url}${CONFIGURATION}`, new Agent({ keepAlive: true })), get(`${run.url}${CONFIGURATION}`, new Agent({ keepAlive: true }))];
    await run.upstream.holding(2);
    run.child.kill('SIGTERM');
    await run.said(/pass-contract proxy: stopping; 2 exchanges in flight may finish within 10 s \(Ctrl-C again to cut them\)/);
    run.upstream.release();
    for (const answer of await Promise.all(answers)) expect(answer).toEqual({ status: 200, connection: 'close', body: ANSWER });
    expect(await run.exit).toBeLessThan(2);
    const report = await run.report();
    expect(report.status).toBe('complete');
    expect(report.counts.results).toBe(2);
  }, 60_000);

  it('a second SIGTERM cuts the drain: the exchange left is cut and the final report written', async () => {
    const run = await proxyCommand();
    const stuck = get(`${run.url}${CONFIGURATION}`, new Agent({ keepAlive: true }));
    await run.upstream.holding(1);
    run.child.kill('SIGTERM');
    await run.said(/stopping; 1 exchange in flight may finish within 10 s \(Ctrl-C again to cut it\)/);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(2); // nothing checked
    expect(await stuck).toHaveProperty('error');
    expect((await run.report()).status).toBe('complete');
  }, 60_000);

  it('--drain takes seconds, or 0 to cut at once; anything else is a usage error', async () => {
    for (const value of ['-1', 'ten', '1e3']) {
      const err: string[] = [];
      const io = { out: () => undefined, err: (l: string) => void err.push(l), isTTY: false, stopped: () => Promise.resolve() };
      expect(await main(['proxy', '--upstream', 'http://127.0.0.1:9', '--port', '0', '--drain', value], io)).toBe(2);
      expect(err.join('\n')).toContain(`--drain must be a positive number of seconds in digits (90, 2.5), or 0 (cut them at once), got "${value}"`);
    }
  });
});
