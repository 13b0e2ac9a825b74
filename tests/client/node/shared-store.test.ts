// N processes sharing one FileTokenStore register once, renew once, register again once — and
// stay consistent when processes are killed (-9) at random moments: the store always parses and
// no temp file with the client secret outlives the next process to open the store.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../packages/client/src/index.ts';
import { FileTokenStore } from '../../../packages/client/src/node/file-store.ts';
import { bundleScript } from '../support/bundle.ts';
import { startFakeAdobe, STATEMENT, type FakeAdobe } from '../support/fake-adobe.ts';
import { deviceInfo } from '../support/pass.ts';
import { mulberry32 } from '../../support/prng.ts';

let adobe: FakeAdobe;
let script: string;
let dir: string;
let storePath: string;
const random = mulberry32(20240220);
/** Delay of the token endpoint (ms): the longer a renewal holds the lock, the likelier a kill lands in it. */
let tokenDelay = 0;

beforeAll(async () => {
  [adobe, script] = await Promise.all([
    startFakeAdobe({ clock: systemClock, overrides: { token: async () => (await new Promise((r) => setTimeout(r, tokenDelay)), undefined) } }),
    bundleScript(fileURLToPath(new URL('../support/store-worker.ts', import.meta.url))),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'pass-shared-store-'));
  storePath = join(dir, 'tokens.json');
}, 30_000);
afterAll(() => adobe?.close());

interface Run {
  child: ChildProcess;
  /** Resolves when the worker has started and begins its work. */
  ready: Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: { token?: string; status?: number } | undefined }>;
}

function worker(mode: 'token' | 'call' | 'renew', extra: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, BASE_URL: adobe.baseUrl, STORE: storePath, MODE: mode, STATEMENT, DEVICE_INFO: deviceInfo, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c;
    if (stdout.startsWith('ready\n')) onReady();
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  const done = new Promise<Awaited<Run['done']>>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code !== null && code !== 0) console.error(stderr);
      onReady();
      const last = stdout.trim().split('\n').pop();
      resolve({ code, signal, out: last && last !== 'ready' ? (JSON.parse(last) as { token?: string }) : undefined });
    }),
  );
  return { child, ready, done };
}

const all = (runs: Run[]) => Promise.all(runs.map((r) => r.done));
const tempFiles = () => readdirSync(dir).filter((f) => f.startsWith('.tokens.json.') && f.endsWith('.tmp'));
const expireStoredToken = async () => {
  const store = new FileTokenStore(storePath);
  const state = (await store.load())!;
  await store.save({ ...state, accessToken: { value: state.accessToken!.value, expiresAt: 0 } });
};

describe('a FileTokenStore shared by processes', () => {
  it('6 processes on an empty store register once and request one token', async () => {
    const results = await all(Array.from({ length: 6 }, () => worker('token')));
    expect(results.map((r) => r.code)).toEqual(Array(6).fill(0));
    // The host's counts first: they tell two lock holders (two token requests) from a lost output line.
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 1]);
    expect(results.map((r) => r.out?.token)).toEqual(Array(6).fill(results[0]!.out!.token));
  }, 30_000);

  it('6 processes finding the stored token expired renew it once', async () => {
    await expireStoredToken();
    const results = await all(Array.from({ length: 6 }, () => worker('token')));
    expect(new Set(results.map((r) => r.out?.token)).size).toBe(1);
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 2]);
  }, 30_000);

  it('6 processes told to register again (401 application-registration) register once', async () => {
    adobe.revokeRegistrations();
    const results = await all(Array.from({ length: 6 }, () => worker('call')));
    expect(results.map((r) => r.out?.status)).toEqual(Array(6).fill(200));
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([2, 3]);
  }, 30_000);

  it('removes the temp file (with the client secret) of a process killed between write and rename', async () => {
    await expireStoredToken();
    const run = worker('renew', { PAUSE_BEFORE_RENAME_MS: '60000' });
    let temp: string | undefined;
    try {
      // The file exists from its open() on; wait until the writer has also written it.
      const written = () => {
        temp = tempFiles().find((t) => t.split('.')[4] === String(run.child.pid));
        return temp ? readFileSync(join(dir, temp), 'utf8') : '';
      };
      await expect.poll(written, { timeout: 10_000 }).toContain('CANARY-client-secret');
    } finally {
      // Killed whatever happened: alive, it would hold the store's lock for a minute.
      run.child.kill('SIGKILL');
    }
    expect((await run.done).signal).toBe('SIGKILL');
    expect(tempFiles()).toEqual([temp]);
    // The next process to open the store sees the writer is dead and removes its file.
    expect((await worker('token').done).code).toBe(0);
    expect(tempFiles()).toEqual([]);
  }, 30_000);

  it('stays whole when processes are killed -9 at random moments (seeded)', async () => {
    tokenDelay = 30;
    const ROUNDS = 6;
    const PER_ROUND = 5;
    let parseFailures = 0;
    let reads = 0;
    const tempsSeen = new Set<string>();
    // A reader that never stops looking while the writers are being killed.
    const reader = setInterval(() => {
      try {
        JSON.parse(readFileSync(storePath, 'utf8'));
        reads++;
      } catch {
        parseFailures++;
      }
      for (const t of tempFiles()) tempsSeen.add(t);
    }, 2);
    const figures = { runs: 0, kills: 0, killsMidWrite: 0, tempsAfterRound: 0, maxRequestsPerRound: 0 };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await expireStoredToken();
        const before = adobe.tokensIssued() + adobe.registrations();
        const runs = Array.from({ length: PER_ROUND }, () => worker('token', { PAUSE_BEFORE_RENAME_MS: '40' }));
        figures.runs += runs.length;
        let kills = 0;
        // Half the workers, chosen by the seeded generator, die 0–120 ms into their work.
        const timers: NodeJS.Timeout[] = [];
        for (const run of runs) {
          if (random() >= 0.5) continue;
          const delay = Math.floor(random() * 120);
          void run.ready.then(() =>
            timers.push(
              setTimeout(() => {
                if (run.child.exitCode === null && run.child.signalCode === null) {
                  // Did it die holding a temp file (between write and rename)?
                  if (tempFiles().some((t) => t.split('.')[4] === String(run.child.pid))) figures.killsMidWrite++;
                  run.child.kill('SIGKILL');
                  kills++;
                }
              }, delay),
            ),
          );
        }
        const results = await all(runs);
        timers.forEach((t) => clearTimeout(t));
        figures.kills += kills;
        figures.tempsAfterRound += tempFiles().length;
        const requests = adobe.tokensIssued() + adobe.registrations() - before;
        figures.maxRequestsPerRound = Math.max(figures.maxRequestsPerRound, requests);
        // A renewal is repeated only when the process doing it died.
        expect(requests, `round ${round}`).toBeLessThanOrEqual(1 + kills);
        for (const r of results.filter((x) => x.signal !== 'SIGKILL')) {
          expect(r.code).toBe(0);
          expect(r.out?.token).toMatch(/^CANARY-token-\d+-client-\d+$/);
        }
      }
    } finally {
      clearInterval(reader);
      tokenDelay = 0;
    }
    // The next process to take the lock removes what the killed ones left.
    const janitor = await worker('renew').done;
    expect(janitor.code).toBe(0);
    const left = readdirSync(dir);
    console.info(
      `kill -9: ${figures.runs} processes in ${ROUNDS} rounds, ${figures.kills} killed (${figures.killsMidWrite} between writing the temp file and renaming it), ` +
        `${parseFailures} parse failures in ${reads} reads, ${tempsSeen.size} temp files seen while running, ${figures.tempsAfterRound} left at the ends of rounds, ` +
        `${tempFiles().length} at the end; at most ${figures.maxRequestsPerRound} DCR requests per renewal round; DCR totals: ${adobe.registrations()} registrations, ${adobe.tokensIssued()} tokens`,
    );
    expect(figures.kills).toBeGreaterThan(0);
    expect(parseFailures).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(left).toEqual(['tokens.json']);
    expect((await new FileTokenStore(storePath).load())?.accessToken?.value).toBe(janitor.out?.token);
  }, 60_000);
});
