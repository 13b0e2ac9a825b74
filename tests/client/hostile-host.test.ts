// A seeded fuzzer playing a hostile Adobe host against the client's calls and flows: every answer
// is drawn at random from what a broken gateway, a half-deployed service or an attacker may send
// (any status, bodies of the wrong shape or type, nulls, 100,000-deep arrays, numbers JSON cannot
// hold, gzip bombs, bad gzip, HTML pages, truncated JSON, Retry-After nonsense, redirects anywhere,
// echoed secrets, hangs, drips, dropped connections), or now and then the right answer so the
// flows get further. The client must answer every call with a result or a PassError (never a
// TypeError, RangeError or SyntaxError out of its own code), end every call within its bounds, and
// never show a secret in an error or a log entry. CLIENT_FUZZ_SEED=n runs another seed (the default
// one hung for ever before a 429's pause was bounded); FUZZ_TRACE=1 prints each call and answer.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassError, performAuthentication, pollProfileByCode, retrieveDecisions, type LogEntry } from '../../packages/client/src/index.ts';
import { mulberry32 } from '../support/prng.ts';
import { startFakeAdobe, STATEMENT, type FakeAdobe, type Hit, type Operation, type Reply } from './support/fake-adobe.ts';
import { configuration, exposed, header, logout, passFor } from './support/pass.ts';

const SEED = Number(process.env.CLIENT_FUZZ_SEED ?? 5);
const CALLS = 400;
const random = mulberry32(SEED);
const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** The secrets of this run: the statement, and every client secret and token the host issued. */
const CANARY = 'CANARY';
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));

const STATUSES = [200, 201, 204, 206, 299, 302, 303, 307, 400, 401, 403, 404, 405, 409, 410, 413, 429, 500, 502, 503, 504, 599];
const ACTIONS = ['retry', 'none', 'application-registration', 'authentication', 'authorization', 'configuration', 'partner-verification', '', 42, null];
const CODES = ['invalid_access_token_client_application', 'invalid_access_token_service_provider', 'network_connection_timeout', 'too_many_requests', 'x'.repeat(300), '<script>', 42, null];

/** A JSON value of any shape, sometimes the operation's own keys with values of the wrong type. */
function anyJson(hit: Hit, depth = 0): unknown {
  const r = random();
  if (depth > 3 || r < 0.15) return pick([null, true, 0, -1, 1e308, '', 'x', '\u0000\u202e', Number.MAX_SAFE_INTEGER + 2]);
  if (r < 0.3) return Array.from({ length: Math.floor(random() * 4) }, () => anyJson(hit, depth + 1));
  const keys = ['decisions', 'profiles', 'logouts', 'requestor', 'mvpds', 'resource', 'authorized', 'error', 'token', 'notAfter', 'notBefore', 'code', 'url', 'actionName', 'actionType',
    'access_token', 'client_id', 'client_secret', 'expires_in', 'action', 'status', 'message', '__proto__', 'constructor', 'Cablevision'];
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 5); i > 0; i--) o[pick(keys)] = anyJson(hit, depth + 1);
  // Echo what the client sent: its bearer token, its form with the client secret, its statement.
  if (random() < 0.2) o.message = `you sent ${hit.headers.authorization ?? ''} ${hit.body}`;
  return o;
}

function hostile(hit: Hit): Reply | undefined {
  const reply = hostileReply(hit);
  if (process.env.FUZZ_TRACE) process.stderr.write(`  ${hit.op} at ${hit.at} → ${JSON.stringify(reply, (k, v) => (k === 'bytes' ? '<bytes>' : typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…` : v))}\n`);
  return reply;
}

function hostileReply(hit: Hit): Reply | undefined {
  const r = random();
  const status = pick(STATUSES);
  const headers: Record<string, string> = {};
  if (random() < 0.3) headers['Retry-After'] = pick(['0', '-1', '1', '3', 'soon', '99999999999', 'Wed, 21 Oct 2015 07:28:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', '1e3', '']);
  if (random() < 0.3) headers.Location = pick(['/api/v2/REF30/profiles', 'https://mvpd.example/login', 'http://user:pw@elsewhere.example/', '//evil.example/x', 'javascript:alert(1)', `/echo?${hit.headers.authorization ?? ''}`]);
  if (r < 0.25) return undefined; // the right answer
  if (r < 0.5) return { status, json: anyJson(hit), headers };
  if (r < 0.6) {
    const action = pick(ACTIONS);
    return { status: pick([400, 401, 403, 429, 500, 503]), json: { action, status: pick([status, '401', null]), code: pick(CODES), message: `echo ${hit.body} ${hit.headers.authorization ?? ''}`, helpUrl: 'javascript:x' }, headers };
  }
  if (r < 0.66) return { status, text: pick(['{"decisions": [', 'null', '', '{}garbage', deep(100_000), '1e400', '"\ud800"', '\u00ff\u00fe']), contentType: pick(['application/json', 'application/json;charset=UTF-8', 'application/problem+json', 'text/plain', 'application/jsonx']), headers };
  if (r < 0.7) return { status, html: `<html><body>gateway says ${hit.headers.authorization ?? ''}</body></html>`, headers };
  if (r < 0.74) return { status, bytes: bomb, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', ...headers } };
  if (r < 0.77) return { status, bytes: Buffer.from('not gzip at all'), headers: { 'Content-Type': 'application/json', 'Content-Encoding': pick(['gzip', 'br', 'deflate', 'zstd', 'gzip, gzip']) } };
  if (r < 0.79) return { hang: true };
  if (r < 0.81) return { dripBody: JSON.stringify({ profiles: {} }), everyMs: 60 };
  if (r < 0.85) return { destroy: true };
  return { status, json: anyJson(hit), headers };
}

const ops: Operation[] = ['register', 'token', 'configuration', 'sessions', 'authenticate', 'profiles', 'profileForCode', 'preauthorize', 'authorize', 'logout', 'mvpdLogin'];
let adobe: FakeAdobe;
let client: ReturnType<typeof passFor>;
const outcomes = new Map<string, number>();
const unexpected: string[] = [];
const leaks: string[] = [];

beforeAll(async () => {
  adobe = await startFakeAdobe({ overrides: Object.fromEntries(ops.map((op) => [op, hostile])) });
  client = passFor(adobe, { timeoutMs: 300, rateLimit: { maxWaitMs: 5_000 } });
});
afterAll(() => adobe?.close());

/** The calls and flows a programmer service makes, one drawn per round. */
const calls: Record<string, () => Promise<unknown>> = {
  configuration: () => configuration(client.pass, { cache: 'no-store' }),
  sessions: () => client.pass.POST('/api/v2/{serviceProvider}/sessions', { params: { path: { serviceProvider: 'REF30' }, header }, body: { mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: 'https://adobe.com' } }),
  profiles: () => client.pass.GET('/api/v2/{serviceProvider}/profiles', { params: { path: { serviceProvider: 'REF30' }, header } }),
  logout: () => logout(client.pass),
  preauthorize: () => retrieveDecisions(client.pass, { kind: 'preauthorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], headers: header }),
  authorize: () => retrieveDecisions(client.pass, { kind: 'authorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: [`r${Math.floor(random() * 3)}`], headers: header }),
  poll: () => pollProfileByCode(client.pass, { serviceProvider: 'REF30', code: '8ER640M', notAfter: client.clock.now() + 12_000, headers: header, clock: client.clock }),
  authenticate: () => performAuthentication(client.pass, { serviceProvider: 'REF30', code: '8ER640M' }),
  token: () => client.pass.tokens.getAccessToken(),
};

describe(`the client against a hostile host (seed ${SEED}, ${CALLS} calls)`, () => {
  it('answers every call with a result or a PassError, within its bounds, and shows no secret', async () => {
    const names = Object.keys(calls);
    for (let i = 0; i < CALLS; i++) {
      const name = pick(names);
      // Time passes between calls (up to 20 minutes): pauses, cached decisions and tokens run out.
      client.clock.advance(Math.floor(random() * 1_200_000));
      if (process.env.FUZZ_TRACE) process.stderr.write(`#${i} ${name} hits=${adobe.hits.length}\n`);
      let outcome: string;
      // Each attempt is bounded by timeoutMs (300 ms), with at most 3 attempts per request and
      // decisions in at most 2 requests; waits run on the simulated clock. A call still pending
      // 10 s later is hung.
      let guard: NodeJS.Timeout | undefined;
      const hung = new Promise<'hung'>((resolve) => (guard = setTimeout(() => resolve('hung'), 10_000)));
      try {
        outcome = await Promise.race([calls[name]!().then(() => 'result'), hung]);
        if (outcome === 'hung') unexpected.push(`${name}: still pending 10 s later`);
      } catch (error) {
        if (error instanceof PassError) {
          outcome = `PassError ${error.kind}`;
          const shown = exposed(error);
          if (shown.includes(CANARY) || shown.includes(STATEMENT)) leaks.push(`${name}: ${error.message}`);
        } else {
          outcome = `${(error as Error)?.name ?? typeof error}`;
          unexpected.push(`${name}: ${String(error)} ${(error as Error)?.stack?.split('\n').slice(1, 4).join(' | ') ?? ''}`);
        }
      } finally {
        clearTimeout(guard);
      }
      outcomes.set(`${name} → ${outcome}`, (outcomes.get(`${name} → ${outcome}`) ?? 0) + 1);
    }
    const logged = JSON.stringify(client.entries as LogEntry[]);
    console.log([...outcomes].sort().map(([k, v]) => `${v} × ${k}`).join('\n'));
    console.log(`${adobe.hits.length} requests answered; ${client.entries.length} log entries`);
    expect(unexpected).toEqual([]);
    expect(leaks).toEqual([]);
    expect(logged).not.toContain(CANARY);
    // The fuzzer reached both ends: results and errors, and most calls.
    expect([...outcomes.keys()].some((k) => k.endsWith('→ result'))).toBe(true);
    expect([...outcomes.keys()].some((k) => k.includes('PassError'))).toBe(true);
  }, 60_000);
});
