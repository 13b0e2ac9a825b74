// A seeded fuzzer for what a programmer service does under load: two client instances sharing one
// token store, 24 calls at a time, callers that give up (abort) at random moments, and a host that
// answers late, revokes the registration (as Adobe does when an application is removed), lets
// tokens expire, and in every other round also drops connections, hangs, throttles and asks for
// retries. Rounds alternate:
// - a faulty round, where half the callers abort, each from a device of its own whose API requests
//   the host never answers: every call settles; one that fails throws a PassError or its own
//   caller's abort reason, never another caller's (one shared token request serves everyone: it
//   must not be aborted while a caller still waits for it) nor a TypeError; a caller that gives up
//   ends at its abort (or with the error of a token request it shared); no secret in any error;
// - a clean round right after it: every call succeeds, so nothing a faulty round left behind (a
//   lock never released, a shared request never settled, a device paused for ever, credentials
//   half-replaced) survives it; and however many callers arrived together, the host saw at most one
//   registration and one token request.
// Once with a MemoryTokenStore, once with a FileTokenStore (its file lock, waited on and given up),
// once with a store that fails now and then in the faulty rounds (reads, writes, its lock: a store
// service down, a full disk),
// and once more with the garbage collector running every 5 ms and a 20 s request timeout, so an
// abort lost on a weakly held link (Node 20's Request follows a signal by WeakRef) leaves a call
// hanging: it caught both such losses fixed in the client (an injected fetch's, a form body's).
// RACE_FUZZ_SEED=n runs another seed; FUZZ_TRACE=1 prints each round.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryTokenStore, PassError, pollProfileByCode, retrieveDecisions, type TokenStore } from '../../packages/client/src/index.ts';
import { FileTokenStore } from '../../packages/client/src/node/file-store.ts';
import { mulberry32 } from '../support/prng.ts';
import { enhanced, startFakeAdobe, STATEMENT, type FakeAdobe, type Hit, type Reply } from './support/fake-adobe.ts';
import { deviceInfo, exposed, header, headerFor, logout, passFor } from './support/pass.ts';

const SEED = Number(process.env.RACE_FUZZ_SEED ?? 3);
const ROUNDS = 16;
const CALLERS = 24;
const realSleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Client = ReturnType<typeof passFor>;
type DeviceHeaders = typeof header;
/** A call for one device that returns whether it got what it asked for (an error answer is not). */
const calls: Record<string, (client: Client, h: DeviceHeaders, signal?: AbortSignal) => Promise<boolean>> = {
  configuration: async ({ pass }, h, signal) => !!(await pass.GET('/api/v2/{serviceProvider}/configuration', { params: { path: { serviceProvider: 'REF30' }, header: h }, cache: 'no-store', ...(signal ? { signal } : {}) })).data,
  sessions: async ({ pass }, h, signal) => !!(await pass.POST('/api/v2/{serviceProvider}/sessions', { params: { path: { serviceProvider: 'REF30' }, header: h }, body: { mvpd: 'Cablevision', domainName: 'adobe.com', redirectUrl: 'https://adobe.com' }, ...(signal ? { signal } : {}) })).data,
  profiles: async ({ pass }, h, signal) => !!(await pass.GET('/api/v2/{serviceProvider}/profiles', { params: { path: { serviceProvider: 'REF30' }, header: h }, ...(signal ? { signal } : {}) })).data,
  logout: async ({ pass }, h, signal) => !!(await logout(pass, h, signal)).data,
  authorize: async ({ pass }, h, signal) => {
    const { decisions } = await retrieveDecisions(pass, { kind: 'authorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['r1'], headers: h, cache: false, ...(signal ? { signal } : {}) });
    return decisions.r1?.authorized === true;
  },
  // With the permit cache: the calls of a device asking together share one request (a permit
  // kept from an earlier round answers without one).
  authorizeShared: async ({ pass }, h, signal) => {
    const { decisions } = await retrieveDecisions(pass, { kind: 'authorize', serviceProvider: 'REF30', mvpd: 'Cablevision', resources: ['r2'], headers: h, ...(signal ? { signal } : {}) });
    return decisions.r2?.authorized === true;
  },
  // The user never signs in: the poll goes on through empty answers until the code expires (12 s).
  poll: async ({ pass, clock }, h, signal) => (await pollProfileByCode(pass, { serviceProvider: 'REF30', code: '8ER640M', notAfter: clock.now() + 12_000, headers: { 'X-Forwarded-For': h['X-Forwarded-For'] }, clock, ...(signal ? { signal } : {}) })).status === 'expired',
  token: async ({ pass }, _, signal) => typeof (await pass.tokens.getAccessToken(signal ? { signal } : {})) === 'string',
};

/** Devices whose callers give up: the host holds their API requests until the caller's abort closes them. */
const GIVING_UP = '198.51.100.';

interface Caller { name: string; headers: DeviceHeaders; signal?: AbortSignal; reason?: Error; abortAt?: NodeJS.Timeout }

const dir = mkdtempSync(join(tmpdir(), 'pass-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The garbage collector, run every few milliseconds in the third variant: an abort that travels
 * through weakly held links (Node 20's Request follows a signal by WeakRef) is lost after a
 * collection. There the host answers every request but those of callers that give up (it holds
 * them until the abort closes them), and the request timeout is 20 s: a call the guard catches
 * 15 s later lost its abort.
 */
function collector(): { start(): void; stop(): void } {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let timer: NodeJS.Timeout | undefined;
  return { start: () => void (timer = setInterval(gc, 5)), stop: () => clearInterval(timer) };
}

/**
 * A shared store that, in faulty rounds, fails now and then as a store service or a full disk
 * does: a read refused, a write refused, a lock not taken. In clean rounds it works.
 */
class FlakyStore implements TokenStore {
  faulty = false;
  constructor(private readonly inner: MemoryTokenStore, private readonly random: () => number) {}
  private fails(p: number): boolean {
    return this.faulty && this.random() < p;
  }
  load() {
    return this.fails(0.15) ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })) : this.inner.load();
  }
  save(state: Parameters<TokenStore['save']>[0]) {
    return this.fails(0.3) ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })) : this.inner.save(state);
  }
  withLock<T>(fn: () => Promise<T>, options?: { signal?: AbortSignal }) {
    return this.fails(0.15) ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, mkdir'), { code: 'ENOSPC' })) : this.inner.withLock(fn, options);
  }
}

describe.each<[string, () => TokenStore, { gc: boolean; storeFaults?: boolean }]>([
  ['a memory store', () => new MemoryTokenStore(), { gc: false }],
  ['a file store', () => new FileTokenStore(join(dir, 'tokens.json')), { gc: false }],
  ['a memory store under constant garbage collection', () => new MemoryTokenStore(), { gc: true }],
  // Every failure of the store surfaces as a PassError (kind store) or not at all, and a clean round
  // after the store came back still sees one registration and one token at most.
  ['a store that fails in faulty rounds', () => new MemoryTokenStore(), { gc: false, storeFaults: true }],
])(`two clients on %s, ${CALLERS} callers at a time, callers giving up (seed ${SEED}, ${ROUNDS} rounds)`, (_, makeStore, { gc, storeFaults }) => {
  it('settles every call with a result, a PassError or its own abort, and the next clean round succeeds with one registration and one token', async () => {
    // Two streams: the plan (revocations, callers, their calls and when they give up) is the
    // seed's alone; the host's faults and delays are drawn as requests arrive, so they follow the timing too.
    const random = mulberry32(SEED);
    const hostRandom = mulberry32(SEED ^ 0x5bd1e995);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    let faulty = false;
    let answering = 0;
    /** Every answer comes late (so calls overlap); in a faulty round, some are faults. */
    const lateOrFaulty = async (hit: Hit): Promise<Reply | undefined> => {
      if (String(hit.headers['x-forwarded-for']).startsWith(GIVING_UP)) return { hang: true };
      answering++;
      await realSleep(Math.floor(hostRandom() * 40)).finally(() => answering--);
      if (!faulty) return undefined;
      const r = hostRandom();
      if (r < 0.07) return enhanced(503, 'network_connection_timeout', 'retry');
      if (r < 0.11) return { status: 429, html: '<html>429 Too Many Requests</html>', headers: { 'Retry-After': '1' } };
      if (r < 0.14) return gc ? { status: 500, json: { action: 'none', status: 500, code: 'internal_server_error', message: 'x', helpUrl: 'https://x', trace: 't' } } : { hang: true };
      if (r < 0.17) return { destroy: true };
      if (r < 0.19) return { status: 502, html: `<html>bad gateway ${hit.headers.authorization ?? ''}</html>` };
      return undefined;
    };
    const adobe = await startFakeAdobe({ overrides: Object.fromEntries((['register', 'token', 'configuration', 'sessions', 'profiles', 'profileForCode', 'authorize', 'logout'] as const).map((op) => [op, lateOrFaulty])) });
    // Two instances of a service, one store: what a deployment with a shared (file, database) store does.
    const flaky = storeFaults ? new FlakyStore(makeStore() as MemoryTokenStore, mulberry32(SEED ^ 0x2545f491)) : undefined;
    const store = flaky ?? makeStore();
    const clients = [0, 1].map(() => passFor(adobe, { timeoutMs: gc ? 20_000 : 300, dcr: { softwareStatement: STATEMENT, deviceInfo, store } }));
    const collecting = gc ? collector() : undefined;
    collecting?.start();
    const unexpected: string[] = [];
    const reasons = new Set<Error>();
    let canaries = 0;
    let revocations = 0;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        faulty = round % 2 === 0;
        if (flaky) flaky.faulty = faulty;
        // Between rounds: time passes (tokens run out), and sometimes Adobe revokes the registration.
        // A revocation comes more than an hour after the last one: the client does not replace
        // credentials that were themselves a replacement within the hour (REREGISTER_COOLDOWN_MS).
        const revoke = random() < 0.4;
        clients[0]!.clock.advance(revoke ? 61 * 60_000 + Math.floor(random() * 3_600_000) : Math.floor(random() * 7_200_000));
        if (revoke) {
          adobe.revokeRegistrations();
          if (round > 0) revocations++;
        }
        // A request its callers gave up on may still be in the host's hands (its answer late): let
        // it finish before the round begins.
        for (let waited = 0; answering > 0 && waited < 2000; waited += 5) await realSleep(5);
        const hitsBefore = adobe.hits.length;
        const callers: Caller[] = Array.from({ length: CALLERS }, (_, i) => {
          const caller: Caller = { name: pick(Object.keys(calls)), headers: header };
          const r = random();
          if (faulty && r < 0.5) {
            // Its own device, whose requests the host holds: the call can only end at the abort.
            caller.headers = headerFor(`${GIVING_UP}${i}`);
            const controller = new AbortController();
            caller.reason = new Error(`caller ${round}.${i} gave up`);
            reasons.add(caller.reason);
            caller.signal = controller.signal;
            caller.abortAt = setTimeout(() => controller.abort(caller.reason), Math.floor(random() * 150));
          } else if (r < 0.75) {
            caller.signal = new AbortController().signal; // a signal that never aborts
          }
          return caller;
        });
        const settled = await Promise.all(callers.map(async (caller, i) => {
          let guard: NodeJS.Timeout | undefined;
          const hung = new Promise<'hung'>((resolve) => (guard = setTimeout(() => resolve('hung'), 15_000)));
          try {
            const result = await Promise.race([calls[caller.name]!(clients[i % 2]!, caller.headers, caller.signal), hung]);
            return result === 'hung' ? 'hung' : result ? 'ok' : 'error answer';
          } catch (error) {
            if (error === caller.reason) return 'own abort';
            if (reasons.has(error as Error)) return `another caller's abort (${(error as Error).message})`;
            if (!(error instanceof PassError)) return `${(error as Error)?.name}: ${(error as Error)?.message} ${(error as Error)?.stack?.split('\n').slice(1, 4).join(' | ')}`;
            if (/CANARY/.test(exposed(error))) canaries++;
            return `PassError ${error.kind}`;
          } finally {
            clearTimeout(guard);
            clearTimeout(caller.abortAt);
          }
        }));
        // What the host issued to a client that took it: a request that arrived from an earlier
        // round's abandoned token request is answered to a closed connection (aborted).
        const issued = (op: 'register' | 'token') => adobe.hits.slice(hitsBefore).filter((h) => h.op === op && h.status === 201 && !h.aborted).length;
        const registered = issued('register');
        const tokens = issued('token');
        const label = `round ${round} (${faulty ? 'faulty' : 'clean'}${revoke ? ', revoked' : ''})`;
        if (process.env.FUZZ_TRACE) {
          const tally = new Map<string, number>();
          settled.forEach((s, i) => tally.set(`${callers[i]!.name} → ${s}`, (tally.get(`${callers[i]!.name} → ${s}`) ?? 0) + 1));
          process.stderr.write(`${label}: ${registered} registrations, ${tokens} tokens; ${[...tally].map(([k, v]) => `${v} × ${k}`).join(', ')}\n`);
          process.stderr.write(`  host: ${adobe.hits.slice(hitsBefore).map((h) => `${h.op}:${h.status ?? '-'}${h.aborted ? 'A' : ''}`).join(' ')}\n`);
        }
        for (const [i, s] of settled.entries()) {
          // A caller that gives up ends with its own abort, or with the PassError of a token
          // request it shared before that: its own API request never gets an answer. A token does;
          // and a poll may end at the code's notAfter first, when the simulated clock, idle while
          // the file store reads and writes, runs on to it (a hanging request holds the clock still).
          const fine = callers[i]!.reason
            ? s === 'own abort' || /^PassError \w[\w-]*$/.test(s) || ((callers[i]!.name === 'token' || callers[i]!.name === 'poll') && s === 'ok')
            : faulty ? /^(ok|error answer|PassError \w[\w-]*)$/.test(s) : s === 'ok';
          if (!fine) unexpected.push(`${label} caller ${i} ${callers[i]!.name}: ${s}`);
        }
        if (!faulty && (registered > 1 || tokens > 1)) unexpected.push(`${label}: ${registered} registrations and ${tokens} token requests for ${CALLERS} callers`);
        // A hang costs the guard's 15 s, and what it left behind may hang the rounds after it.
        if (settled.includes('hung')) break;
      }
    } finally {
      collecting?.stop();
      await adobe.close();
    }
    expect(unexpected).toEqual([]);
    expect(canaries).toBe(0);
    expect(JSON.stringify(clients.flatMap((c) => c.entries))).not.toContain('CANARY');
    // The fuzzer reached what it is for: a revocation after the first registration (so the clients
    // registered again), and callers that gave up while the host still worked on their request.
    expect(revocations).toBeGreaterThan(0);
    expect(adobe.registrations()).toBeGreaterThanOrEqual(2);
    expect(adobe.hits.some((h) => h.aborted)).toBe(true);
    // A file store leaves its state file, and no temp file or lock behind.
    if (store instanceof FileTokenStore) expect(readdirSync(dir)).toEqual(['tokens.json']);
  }, 120_000);
});
