// An access token goes into an Authorization header. One that a header cannot carry (a line break,
// a control or non-ASCII character, empty, not a string) made Node's Headers throw a TypeError
// that quoted the whole header — the token in it — into the caller's error and logs. Whether the
// host sent it, a store held it or the caller's own token source gave it, the client says what is
// wrong without the value, and sends nothing with it.
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTokenStore, type TokenSource } from '../../packages/client/src/index.ts';
import { startFakeAdobe, STATEMENT, type FakeAdobe } from './support/fake-adobe.ts';
import { deviceInfo, exposed, logout, passFor, rejection } from './support/pass.ts';

let adobe: FakeAdobe;
afterEach(() => adobe?.close());

const CANARY = 'CANARY-token-7f3a9c';
const unsendable: [string, unknown][] = [
  ['a line feed and a second header', `${CANARY}\nX-Evil: 1`],
  ['a carriage return', `${CANARY}\r`],
  ['a NUL', `${CANARY}\u0000x`],
  ['a space', `${CANARY} x`],
  ['a non-ASCII letter', `${CANARY}é`],
  ['a character above U+00FF', `${CANARY}€`],
];

describe('an access token a header cannot carry', () => {
  it.each(unsendable)('from the host (%s) is a protocol error without the token, and is not stored', async (_, token) => {
    adobe = await startFakeAdobe({ overrides: { token: () => ({ status: 200, json: { access_token: token, token_type: 'bearer', expires_in: 3600 } }) } });
    const store = new MemoryTokenStore();
    const { pass, entries } = passFor(adobe, { retry: false, dcr: { softwareStatement: STATEMENT, deviceInfo, store } });
    const error = await rejection(logout(pass));
    expect(error).toMatchObject({ name: 'PassError', kind: 'protocol', message: 'DCR token request: HTTP 200 with an access_token an Authorization header cannot carry (only visible ASCII characters, RFC 6750); it is not used' });
    expect(exposed(error)).not.toContain('CANARY');
    expect(JSON.stringify(entries)).not.toContain('CANARY');
    expect(adobe.hits.map((h) => h.op)).toEqual(['register', 'token']);
    expect((await store.load())?.accessToken).toBeUndefined();
  });

  it.each([...unsendable, ['empty', ''], ['a number', 12345678], ['undefined', undefined]])("from the caller's token source (%s) is a credentials error without the token, and nothing is sent", async (_, token) => {
    adobe = await startFakeAdobe();
    const tokens: TokenSource = { getAccessToken: async () => token as string, invalidate: async () => undefined };
    const { pass, entries } = passFor(adobe, { tokens, retry: false });
    const error = await rejection(logout(pass));
    expect(error).toMatchObject({ name: 'PassError', kind: 'credentials', operation: 'GET /api/v2/{serviceProvider}/logout/{mvpd}' });
    expect(error.message).toMatch(/^GET \/api\/v2\/\{serviceProvider\}\/logout\/\{mvpd\}: the token source gave an access token an Authorization header cannot carry \((empty|not a string|a character outside visible ASCII)\); nothing was sent$/);
    expect(exposed(error)).not.toContain('CANARY');
    expect(JSON.stringify(entries)).not.toContain('CANARY');
    expect(adobe.hits).toEqual([]);
  });

  it('held by the store (a file edited by hand) is replaced by a new token, not sent', async () => {
    adobe = await startFakeAdobe();
    const store = new MemoryTokenStore();
    await store.save({ clientCredentials: { clientId: 'client-1', clientSecret: 'CANARY-client-secret-x' }, accessToken: { value: `${CANARY}\nX-Evil: 1`, expiresAt: Number.MAX_SAFE_INTEGER } });
    const { pass, entries } = passFor(adobe, { retry: false, dcr: { softwareStatement: STATEMENT, deviceInfo, store } });
    expect((await logout(pass)).response.status).toBe(200);
    // The stored client credentials are not the fake host's: it refuses them, and the client registers again.
    expect(adobe.hits.map((h) => h.op)).toEqual(['token', 'register', 'token', 'logout']);
    expect(adobe.hits.at(-1)!.headers.authorization).toMatch(/^Bearer [\x21-\x7e]+$/);
    expect((await store.load())?.accessToken?.value).not.toContain(CANARY);
    expect(JSON.stringify(entries)).not.toContain(CANARY);
  });
});
