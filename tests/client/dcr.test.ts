// DCR against a loopback host: one registration, one token request however many callers, tokens
// reused until shortly before expiry, and every wait for a token cancellable.
import { afterEach, describe, expect, it } from 'vitest';
import { createPassClient, DcrTokenManager, MemoryTokenStore, PassError, systemClock, type LockOptions, type TokenState } from '../../packages/client/src/index.ts';
import { enhanced, startFakeAdobe, STATEMENT, type FakeAdobe } from './support/fake-adobe.ts';
import { deviceInfo, logout, passFor, rejection } from './support/pass.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());

describe('DCR tokens', () => {
  it('registers once and asks for one token for 20 concurrent calls, then one more once it expires', async () => {
    adobe = await startFakeAdobe({ tokenLifetimeS: 3600 });
    const { pass, clock } = passFor(adobe);
    const first = await Promise.all(Array.from({ length: 20 }, () => logout(pass)));
    expect(first.every((r) => r.response.status === 200)).toBe(true);
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 1]);
    clock.advance(3600_000);
    await Promise.all(Array.from({ length: 20 }, () => logout(pass)));
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 2]);
  });

  it('reuses a token until 5 minutes before expires_in, then asks for a new one', async () => {
    adobe = await startFakeAdobe({ tokenLifetimeS: 3600 });
    const { pass, clock } = passFor(adobe);
    await logout(pass);
    clock.advance(3600_000 - 300_000 - 1);
    await logout(pass);
    expect(adobe.tokensIssued()).toBe(1);
    clock.advance(2);
    await logout(pass);
    expect(adobe.tokensIssued()).toBe(2);
  });

  // expires_in is required in the description; a host may still omit it or send nonsense. Its
  // token is then used until the host refuses it, not renewed before every call (which doubled the
  // traffic and spent the token endpoint's throttle).
  it.each([['missing (null)', NaN], ['zero', 0], ['negative', -5], ['not a number', 'soon']])('a token whose expires_in is %s is used until the host refuses it', async (_, lifetime) => {
    let refuse = false;
    adobe = await startFakeAdobe({
      tokenLifetimeS: lifetime as number,
      overrides: { logout: () => (refuse ? ((refuse = false), enhanced(401, 'invalid_access_token_expired', 'none')) : undefined) },
    });
    const { pass, clock } = passFor(adobe);
    for (let i = 0; i < 3; i++) expect((await logout(pass)).response.status).toBe(200);
    clock.advance(30 * 24 * 3600_000);
    expect((await logout(pass)).response.status).toBe(200);
    expect(adobe.tokensIssued()).toBe(1);
    // Refused: one renewal, and the call goes through with the new token.
    refuse = true;
    expect((await logout(pass)).response.status).toBe(200);
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 2]);
  });

  // The description requires these fields; a host may still answer 201 without them. The client
  // stored such credentials and then reported invalid_client, or sent `Bearer undefined` on every call.
  it.each([
    ['a registration without client_secret', { register: () => ({ status: 201, json: { client_id: 'client-1' } }) }, 'DCR registration: HTTP 201 without a usable client_secret (missing, empty or not a string)', ['register']],
    ['a registration of {}', { register: () => ({ status: 201, json: {} }) }, 'DCR registration: HTTP 201 without a usable client_id and client_secret (missing, empty or not a string)', ['register']],
    ['a token without access_token', { token: () => ({ status: 201, json: { token_type: 'bearer', expires_in: 3600 } }) }, 'DCR token request: HTTP 201 without a usable access_token (missing, empty or not a string)', ['register', 'token']],
    ['a token whose access_token is a number', { token: () => ({ status: 201, json: { access_token: 12345678, token_type: 'bearer', expires_in: 3600 } }) }, 'DCR token request: HTTP 201 without a usable access_token (missing, empty or not a string)', ['register', 'token']],
    ['a token whose access_token is empty', { token: () => ({ status: 201, json: { access_token: '', token_type: 'bearer', expires_in: 3600 } }) }, 'DCR token request: HTTP 201 without a usable access_token (missing, empty or not a string)', ['register', 'token']],
    ['a registration whose body is null', { register: () => ({ status: 201, json: null }) }, 'DCR registration: HTTP 201 without a usable client_id and client_secret (missing, empty or not a string)', ['register']],
    ['a token answer with an empty body', { token: () => ({ status: 201, text: '', contentType: 'application/json' }) }, 'DCR token request: HTTP 201 without a usable access_token (missing, empty or not a string)', ['register', 'token']],
  ] as const)('%s is a protocol error that says which field, and nothing unusable is stored or sent', async (_, overrides, message, ops) => {
    adobe = await startFakeAdobe({ overrides });
    const store = new MemoryTokenStore();
    const { pass } = passFor(adobe, { retry: false, dcr: { softwareStatement: STATEMENT, deviceInfo, store } });
    const error = await rejection(logout(pass));
    expect(error).toMatchObject({ kind: 'protocol', message });
    expect(adobe.hits.map((h) => h.op)).toEqual(ops);
    const stored = await store.load();
    expect(stored?.accessToken).toBeUndefined();
    if (ops.length === 1) expect(stored?.clientCredentials).toBeUndefined();
  });

  it('registers once for several clients sharing one store', async () => {
    adobe = await startFakeAdobe();
    const store = new MemoryTokenStore();
    const clients = Array.from({ length: 5 }, () => passFor(adobe, { dcr: { softwareStatement: STATEMENT, deviceInfo, store } }).pass);
    await Promise.all(clients.map((pass) => logout(pass)));
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 1]);
  });

  it('registers again, once, when the stored client credentials are refused (invalid_client)', async () => {
    adobe = await startFakeAdobe();
    const store = new MemoryTokenStore({ clientCredentials: { clientId: 'revoked', clientSecret: 'revoked-secret' } });
    const manager = new DcrTokenManager({ baseUrl: adobe.baseUrl, deviceInfo, softwareStatement: STATEMENT, store, clock: adobe.clock });
    expect(await manager.getAccessToken()).toMatch(/^CANARY-token-1-client-1$/);
    expect(adobe.hits.map((h) => h.op)).toEqual(['token', 'register', 'token']);
    expect((await store.load())?.clientCredentials?.clientId).toBe('client-1');
  });

  it('sends the software statement as JSON and the client credentials as a form, with X-Device-Info', async () => {
    adobe = await startFakeAdobe();
    await new DcrTokenManager({ baseUrl: adobe.baseUrl, deviceInfo, softwareStatement: STATEMENT, clock: adobe.clock }).getAccessToken();
    const [register, token] = adobe.hits;
    expect(register!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(register!.body)).toEqual({ software_statement: STATEMENT });
    expect(token!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect([...new URLSearchParams(token!.body).keys()]).toEqual(['client_id', 'client_secret', 'grant_type']);
    expect(register!.headers['x-device-info']).toBe(deviceInfo);
  });
});

describe('a token store that cannot save (a full disk; a store service that refuses writes)', () => {
  /** Reads answer what it held; writes fail as on a full disk until `failing` is turned off. */
  /**
   * While `failing`, writes fail as on a full disk (the message quoting the state, as a store's
   * message may); with `lock`, its lock too (a lock file on a disk with no room at all); with
   * `down`, reads and writes fail as a store service that is down does.
   */
  class FullStore extends MemoryTokenStore {
    constructor(public failing = true, private readonly fails: { lock?: boolean; down?: boolean } = {}) {
      super();
    }
    private failure(what: string, state?: TokenState): Error {
      return this.fails.down
        ? Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })
        : Object.assign(new Error(`ENOSPC: no space left on device, ${what} ${JSON.stringify(state ?? {})}`), { code: 'ENOSPC' });
    }
    override async load(): Promise<TokenState | undefined> {
      if (this.failing && this.fails.down) throw this.failure('read');
      return super.load();
    }
    override async save(state: TokenState): Promise<void> {
      if (this.failing) throw this.failure('write', state);
      return super.save(state);
    }
    override withLock<T>(fn: () => Promise<T>, options?: LockOptions): Promise<T> {
      if (this.failing && this.fails.lock) return Promise.reject(this.failure('mkdir'));
      return super.withLock(fn, options);
    }
  }
  const notSaved = { event: 'warning', warning: 'store-not-saved', message: 'the token store did not save (ENOSPC): this process goes on with the client credentials and token it holds, and saves them with the next token' };

  // Before, the credentials of a registration whose save failed were dropped: the call failed, and
  // the next one registered again, and so on, one registration with Adobe per call.
  it('registers once for 5 calls in a row, which all go through; the credentials are saved once the store takes them', async () => {
    adobe = await startFakeAdobe({ tokenLifetimeS: 3600 });
    const store = new FullStore();
    const { pass, clock, entries } = passFor(adobe, { dcr: { softwareStatement: STATEMENT, deviceInfo, store } });
    for (let i = 0; i < 5; i++) expect((await logout(pass)).response.status).toBe(200);
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 1]);
    expect(await store.load()).toBeUndefined();
    // Said once per failed save (the registration, the token), with the store's error code only: its message may hold the state.
    const warnings = entries.filter((e) => e.event === 'warning');
    expect(warnings).toEqual([notSaved, notSaved]);
    // The disk has room again; the token expires: the next token request uses the same credentials and both are saved.
    store.failing = false;
    clock.advance(3600_000);
    expect((await logout(pass)).response.status).toBe(200);
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 2]);
    expect(await store.load()).toMatchObject({ clientCredentials: { clientId: 'client-1' }, accessToken: { value: 'CANARY-token-2-client-1' } });
  });

  // Before, every call failed with the lock's ENOSPC, although Adobe would have answered them.
  it('one that cannot even be locked: the renewal runs in turn with this process\'s callers, and 5 concurrent calls go through on one registration', async () => {
    adobe = await startFakeAdobe({ tokenLifetimeS: 3600 });
    const store = new FullStore(true, { lock: true });
    const { pass, entries } = passFor(adobe, { dcr: { softwareStatement: STATEMENT, deviceInfo, store } });
    const calls = await Promise.all(Array.from({ length: 5 }, () => logout(pass)));
    expect(calls.map((c) => c.response.status)).toEqual(Array(5).fill(200));
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 1]);
    const notLocked = { event: 'warning', warning: 'store-not-locked', message: 'the token store could not be locked (ENOSPC): this process renews on its own, not in turn with others sharing the store' };
    expect(entries.filter((e) => e.event === 'warning')).toEqual([notLocked, notSaved, notSaved]);
  });

  // A store service that goes down for reads as well (Redis restarting): before, every renewal
  // failed with the store's error once the token expired, although this process held the credentials.
  it('one that cannot be read either: a renewal uses the credentials this process holds; a process holding none fails', async () => {
    adobe = await startFakeAdobe({ tokenLifetimeS: 3600 });
    const store = new FullStore(false, { down: true });
    const { pass, clock, entries } = passFor(adobe, { dcr: { softwareStatement: STATEMENT, deviceInfo, store } });
    expect((await logout(pass)).response.status).toBe(200);
    store.failing = true;
    clock.advance(3600_000);
    expect((await logout(pass)).response.status).toBe(200);
    expect([adobe.registrations(), adobe.tokensIssued()]).toEqual([1, 2]);
    const notRead = { event: 'warning', warning: 'store-not-read', message: 'the token store could not be read (ECONNREFUSED): this process renews with the client credentials it holds' };
    const refused = { ...notSaved, message: notSaved.message.replace('ENOSPC', 'ECONNREFUSED') };
    expect(entries.filter((e) => e.event === 'warning')).toEqual([notRead, refused]);
    // A process that holds nothing yet does not register while the store may hold credentials: its
    // call fails with a PassError of kind store, the code and not the store's message (before: the
    // store's own Error, not a PassError, with its message).
    const fresh = passFor(adobe, { dcr: { softwareStatement: STATEMENT, deviceInfo, store } });
    const error = await rejection(logout(fresh.pass));
    expect(error).toBeInstanceOf(PassError);
    expect(error).toMatchObject({ kind: 'store', message: 'the token store could not be read (ECONNREFUSED)' });
    expect(adobe.registrations()).toBe(1);
  });
});

describe('waiting for a token', () => {
  it("stops when the caller's signal aborts, and the token request it alone waited for is closed", async () => {
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { token: () => ({ hang: true }) } });
    const { pass } = passFor(adobe);
    const controller = new AbortController();
    const pending = logout(pass, undefined, controller.signal);
    await expect.poll(() => adobe.count('token')).toBe(1);
    controller.abort(new Error('user left'));
    expect((await rejection(pending)).message).toBe('user left');
    await expect.poll(() => adobe.hits.find((h) => h.op === 'token')?.aborted).toBe(true);
  });

  it('keeps the shared token request going for the callers still waiting', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    adobe = await startFakeAdobe({ clock: systemClock, overrides: { token: async () => (await released, undefined) } });
    const { pass } = passFor(adobe);
    const leaving = new AbortController();
    const left = logout(pass, undefined, leaving.signal);
    const staying = logout(pass);
    await expect.poll(() => adobe.count('token')).toBe(1);
    leaving.abort(new Error('user left'));
    expect((await rejection(left)).message).toBe('user left');
    release();
    expect((await staying).response.status).toBe(200);
    expect(adobe.count('token')).toBe(1);
    expect(adobe.hits.find((h) => h.op === 'token')?.aborted).toBe(false);
  });

  it('reports a client without tokens or DCR settings', () => {
    expect(() => createPassClient({ baseUrl: 'http://127.0.0.1:9' })).toThrow('createPassClient: pass `tokens` or `dcr` (software statement or client credentials)');
  });
});
