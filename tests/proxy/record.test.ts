// `pass-contract proxy --record`: every exchange goes to a HAR 1.2 file that is valid after each one,
// holds no secret even when the upstream echoes them back, survives a SIGKILL, and is what
// `pass-contract audit` reads.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { auditFiles } from '../../src/audit/audit.ts';
import { main, type Io } from '../../src/cli/main.ts';
import { loadDescription } from '../../src/description/index.ts';
import { projectRoot } from '../../src/description/document.ts';
import { startProxy } from '../../src/proxy/server.ts';
import { leaks, readValidHar } from '../support/har-file.ts';

const description = loadDescription();
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Secrets a client sends or the host issues; `+`, `/` and `=` so that an encoded echo differs from the raw value. */
const CANARY = {
  statement: 'eyJhbGciOiJSUzI1NiJ9.eyJjYW5hcnkiOiJyZWNvcmQtc3RhdGVtZW50In0.c2lnbmF0dXJl',
  clientSecret: 'cs+Canary/Secret==7f3a9c',
  accessToken: 'at-canary-9c1d7e5f3a1b8c6d4e2f0a9b7c5d3e1f',
  urlPassword: 'up-canary-pass-55',
  serviceToken: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYW5hcnktc2VydmljZS10b2tlbiJ9.c2ln',
  tempPassIdentity: Buffer.from('{"email":"canary-viewer@example.com"}').toString('base64'),
  cookie: 'canary-cookie-AWSALB-9911',
};

const device = { 'AP-Device-Identifier': 'fingerprint ZGV2aWNlLTE=', 'X-Device-Info': Buffer.from('{"model":"AppleTV"}').toString('base64'), 'X-Forwarded-For': '203.0.113.9' };

/**
 * An upstream that plays Adobe's DCR (issuing CANARY.clientSecret and CANARY.accessToken) and echoes
 * back whatever it receives: raw bodies and headers in JSON fields, in an `AP-Echo` header, in a
 * text/plain body, in a gzip body and in a redirect's query.
 */
async function echoHost() {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const echo = JSON.stringify({ headers: req.headers, body });
      const path = (req.url ?? '/').split('?')[0]!;
      const json = (status: number, value: object, extra: Record<string, string> = {}) =>
        res.writeHead(status, { 'Content-Type': 'application/json', 'AP-Echo': encodeURIComponent(body || String(req.headers.authorization ?? '')), ...extra }).end(JSON.stringify(value));
      if (path === '/o/client/register') return json(201, { client_id: 'client-1', client_secret: CANARY.clientSecret, error_description: `statement ${body} accepted` });
      if (path === '/o/client/token') return json(200, { access_token: CANARY.accessToken, token_type: 'bearer', expires_in: 21600, echo: body });
      if (path.endsWith('/configuration')) {
        return res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }).end(gzipSync(JSON.stringify({ requestor: { mvpds: [] }, echo })));
      }
      if (path.startsWith('/api/v2/authenticate/')) return res.writeHead(302, { Location: `https://mvpd.example/sign-in?access_token=${CANARY.accessToken}&cookie=${encodeURIComponent(String(req.headers.cookie))}` }).end();
      if (path.endsWith('/sessions')) return res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`rejected:\n${echo}\n${body}`);
      return json(200, { profiles: {}, echo });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** register → token → configuration → session → authenticate page → profiles, with every canary on the way. */
async function flow(base: string): Promise<number> {
  // Each answer is read to its end: only a complete answer is promised to be on disk.
  const send = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${path}`, { redirect: 'manual', signal: AbortSignal.timeout(5000), ...init });
    return { status: res.status, text: await res.text() };
  };
  await send('/o/client/register', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Device-Info': device['X-Device-Info'] }, body: JSON.stringify({ software_statement: CANARY.statement }) });
  await send('/o/client/token', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Device-Info': device['X-Device-Info'] }, body: new URLSearchParams({ client_id: 'client-1', client_secret: CANARY.clientSecret, grant_type: 'client_credentials' }).toString() });
  const api = { ...device, Authorization: `Bearer ${CANARY.accessToken}` };
  const config = await send('/api/v2/REF30/configuration', { headers: api });
  expect(JSON.parse(config.text)).toMatchObject({ requestor: { mvpds: [] } }); // gunzipped by fetch: the proxy forwarded the gzip bytes
  await send('/api/v2/REF30/sessions', { method: 'POST', headers: { ...api, 'Content-Type': 'application/x-www-form-urlencoded', 'AD-Service-Token': CANARY.serviceToken }, body: 'mvpd=Cablevision&domainName=adobe.com&redirectUrl=https%3A%2F%2Fadobe.com' });
  await send('/api/v2/authenticate/REF30/ABC123', { headers: { Cookie: `AWSALB=${CANARY.cookie}` } });
  await send('/api/v2/REF30/profiles', { headers: { ...api, 'AP-TempPass-Identity': CANARY.tempPassIdentity } });
  await send('/api/v2/REF30/profiles', { headers: api });
  return 7;
}

describe('pass-contract proxy --record', () => {
  it('writes every exchange as valid HAR 1.2 with no secret in any form, against a host that echoes them', async () => {
    const up = new URL(await echoHost());
    up.username = 'proxy-user';
    up.password = CANARY.urlPassword;
    const dir = await mkdtemp(join(tmpdir(), 'pass-proxy-record-'));
    const file = join(dir, 'traffic.har');
    const proxy = await startProxy({ upstream: up.toString(), port: 0, reportDir: dir, description, record: file });
    cleanup.push(() => proxy.close());
    const sent = await flow(proxy.url);
    expect(proxy.recording).toMatchObject({ path: file, count: sent, failures: 0 });
    await proxy.close();

    const { text, entries } = await readValidHar(file);
    expect(entries.map((e) => `${e.request.method} ${new URL(e.request.url).pathname} ${e.response.status}`)).toEqual([
      'POST /o/client/register 201', 'POST /o/client/token 200', 'GET /api/v2/REF30/configuration 200', 'POST /api/v2/REF30/sessions 400',
      'GET /api/v2/authenticate/REF30/ABC123 302', 'GET /api/v2/REF30/profiles 200', 'GET /api/v2/REF30/profiles 200',
    ]);
    expect(leaks(text, CANARY)).toEqual([]);
    // The URL is the upstream's (never its password), the gzip body is recorded decoded, the client address is kept.
    expect(entries[2]!.request.url).toBe(`http://127.0.0.1:${up.port}/api/v2/REF30/configuration`);
    expect(JSON.parse(entries[2]!.response.content.text!)).toMatchObject({ requestor: { mvpds: [] } });
    expect(entries[2]!._clientAddress).toMatch(/127\.0\.0\.1/);
    // One token, one reference wherever it appears, so the audit can tell reuse from a new token.
    const auth = entries.filter((e) => e.request.url.includes('/api/v2/REF30/')).map((e) => e.request.headers.find((h) => h.name.toLowerCase() === 'authorization')!.value);
    expect(new Set(auth).size).toBe(1);
    expect(auth[0]).toMatch(/^Bearer \[redacted:[0-9a-f]{8}\]$/);

    const report = await auditFiles([file], { description, serverToServer: true });
    expect(report.traffic).toMatchObject({ entries: sent, exchanges: sent });
    expect(report.rules.find((r) => r.id === 'token.reuse')).toMatchObject({ status: 'pass' });
  });

  it('records the 504 a client gets from a hung upstream, and refuses a recording path it cannot write (exit 2)', async () => {
    const hung = createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => { hung.closeAllConnections(); hung.close(r); }));
    const dir = await mkdtemp(join(tmpdir(), 'pass-proxy-record-'));
    const file = join(dir, 'hung.har');
    const proxy = await startProxy({ upstream: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`, port: 0, reportDir: dir, description, record: file, timeoutMs: 200 });
    cleanup.push(() => proxy.close());
    expect((await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: device })).status).toBe(504);
    // A second proxy recording to the same file is refused, and truncates nothing.
    const err: string[] = [];
    const io: Io = { out: () => undefined, err: (l) => err.push(l), isTTY: false, stopped: () => Promise.resolve() };
    expect(await main(['proxy', '--upstream', 'http://127.0.0.1:9', '--port', '0', '--report', join(dir, 'second'), '--record', file], io)).toBe(2);
    // And so is a second proxy reporting into the same directory.
    expect(await main(['proxy', '--upstream', 'http://127.0.0.1:9', '--port', '0', '--report', dir], io)).toBe(2);
    await proxy.close();
    expect((await readdir(dir)).sort()).toEqual(['hung.har', 'junit.xml', 'report.json', 'second', 'summary.md']);
    const { entries } = await readValidHar(file);
    expect(entries.map((e) => e.response.status)).toEqual([504]);

    expect(await main(['proxy', '--upstream', 'http://127.0.0.1:9', '--port', '0', '--report', dir, '--record', join(dir, 'missing', 'x.har')], io)).toBe(2);
    expect(err).toEqual([
      `pass-contract: cannot record to ${file}: process ${process.pid} on ${hostname()} records to it (it holds ${file}.lock)`,
      `pass-contract: --report ${dir}: process ${process.pid} on ${hostname()} writes its reports there (it holds ${join(dir, '.pass-contract.lock')}); give this run another directory`,
      `pass-contract: cannot record to ${join(dir, 'missing', 'x.har')}: its directory does not exist`,
    ]);
  });

  it('leaves a valid recording of every answered exchange when the proxy process is killed', async () => {
    const upstream = await echoHost();
    const dir = await mkdtemp(join(tmpdir(), 'pass-proxy-record-'));
    const file = join(dir, 'killed.har');
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/bin.ts'), 'proxy', '--upstream', upstream, '--port', '0', '--report', dir, '--record', file], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanup.push(async () => void child.kill('SIGKILL'));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /proxy listening on (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`proxy exited (${code}) before listening: ${out}`)));
    });
    const sent = await flow(url);
    // Killed the moment the last answer arrived: the proxy finishes an answer only once its exchange is on disk.
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const { text, entries } = await readValidHar(file);
    expect(entries).toHaveLength(sent);
    expect(leaks(text, CANARY)).toEqual([]);
    expect((await auditFiles([file], { description })).traffic.exchanges).toBe(sent);
  }, 30_000);
});
