// Behaviour of each middleware alone, on a real openapi-fetch client with a scripted fetch.
import createClient, { type Middleware } from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import type { paths } from '../../../packages/client/generated/schema.d.ts';
import { accessTokenMiddleware, type TokenSource } from '../../../packages/client/src/middleware/auth.ts';
import { loggerMiddleware, type RequestLogEntry } from '../../../packages/client/src/middleware/logger.ts';
import { backoffDelay, retryMiddleware } from '../../../packages/client/src/middleware/retry.ts';
import { throttleMiddleware } from '../../../packages/client/src/middleware/throttle.ts';
import { enhancedError, json, scriptedFetch, virtualClock, type Handler } from '../support.ts';

const logoutOk = () => json(200, { logouts: { Dish: { actionName: 'complete', actionType: 'none', mvpd: 'Dish' } } });
const header = { 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': 'e30=', 'X-Forwarded-For': '203.0.113.7' };

function client(handler: Handler, middleware: Middleware[], clock = virtualClock()) {
  const f = scriptedFetch(handler, clock);
  const c = createClient<paths>({ baseUrl: 'http://pass.test', fetch: f.fetch });
  c.use(...middleware);
  const logout = (mvpd = 'Dish', extra: Record<string, string> = {}) =>
    c.GET('/api/v2/{serviceProvider}/logout/{mvpd}', { params: { path: { serviceProvider: 'REF30', mvpd }, query: { redirectUrl: 'https://adobe.com' }, header: { ...header, ...extra } } });
  return { ...f, logout, clock };
}

describe('retryMiddleware', () => {
  it('does not retry an enhanced error whose action is none', async () => {
    const t = client(() => enhancedError(400, 'invalid_parameter_mvpd', 'none'), [retryMiddleware({ clock: virtualClock() })]);
    const { response } = await t.logout();
    expect(response.status).toBe(400);
    expect(t.requests).toHaveLength(1);
  });

  it('retries at most 2 more times for action retry, with growing jittered delays', async () => {
    const clock = virtualClock();
    const t = client(() => enhancedError(403, 'network_connection_timeout', 'retry'), [retryMiddleware({ clock, random: () => 1 })], clock);
    const { response } = await t.logout();
    expect(response.status).toBe(403);
    expect(t.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([500, 1000]);
  });

  it('stops retrying once the retried request succeeds', async () => {
    const t = client((_, i) => (i === 0 ? enhancedError(403, 'maximum_execution_time_exceeded', 'retry') : logoutOk()), [retryMiddleware({ clock: virtualClock() })]);
    const { data } = await t.logout();
    expect(data?.logouts.Dish?.actionName).toBe('complete');
    expect(t.requests).toHaveLength(2);
  });

  it('never retries a plain 4xx or a 429', async () => {
    for (const response of [json(404, { error: 'x' }), new Response('<html>429</html>', { status: 429, headers: { 'Content-Type': 'text/html' } })]) {
      const t = client(() => response.clone(), [retryMiddleware({ clock: virtualClock() })]);
      await t.logout();
      expect(t.requests).toHaveLength(1);
    }
  });

  it('computes equal-jitter backoff within [step/2, step]', () => {
    expect(backoffDelay(1, 500, 4000, () => 0)).toBe(250);
    expect(backoffDelay(3, 500, 4000, () => 1)).toBe(2000);
    expect(backoffDelay(6, 500, 4000, () => 1)).toBe(4000);
  });
});

describe('throttleMiddleware', () => {
  it('waits at least 1 s after a 429 before the device sends again', async () => {
    const clock = virtualClock();
    const t = client((_, i) => (i === 0 ? new Response('<html/>', { status: 429, headers: { 'Content-Type': 'text/html' } }) : logoutOk()), [throttleMiddleware({ clock })], clock);
    await t.logout();
    await t.logout();
    expect(t.requests[1]!.at - t.requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('honours a longer Retry-After', async () => {
    const clock = virtualClock();
    const t = client((_, i) => (i === 0 ? new Response('', { status: 429, headers: { 'Retry-After': '3' } }) : logoutOk()), [throttleMiddleware({ clock })], clock);
    await t.logout();
    await t.logout();
    expect(t.requests[1]!.at - t.requests[0]!.at).toBeGreaterThanOrEqual(3000);
  });

  it('pauses only the throttled device', async () => {
    const clock = virtualClock();
    const t = client((r) => (r.headers.get('X-Forwarded-For') === '203.0.113.7' ? new Response('', { status: 429 }) : logoutOk()), [throttleMiddleware({ clock })], clock);
    await t.logout();
    await t.logout('Dish', { 'X-Forwarded-For': '198.51.100.9' });
    expect(t.requests[1]!.at - t.requests[0]!.at).toBe(0);
  });

  it('with the limiter, lets a device send 1 + 10 at once, then 1 per second', async () => {
    const clock = virtualClock();
    const t = client(() => logoutOk(), [throttleMiddleware({ clock, limit: true })], clock);
    for (let i = 0; i < 14; i++) await t.logout();
    const offsets = t.requests.map((r) => r.at - t.requests[0]!.at);
    expect(offsets.slice(0, 11)).toEqual(Array(11).fill(0));
    expect(offsets.slice(11)).toEqual([1000, 2000, 3000]);
  });
});

describe('accessTokenMiddleware', () => {
  function tokens(): TokenSource & { issued: string[]; invalidated: string[] } {
    let n = 0;
    let current: Promise<string> | undefined;
    const t = {
      issued: [] as string[],
      invalidated: [] as string[],
      getAccessToken() {
        current ??= Promise.resolve(`token-${++n}`).then((v) => (t.issued.push(v), v));
        return current;
      },
      async invalidate(token: string) {
        t.invalidated.push(token);
        current = undefined;
      },
    };
    return t;
  }
  const always = () => true;

  it('sends the bearer token', async () => {
    const t = client(() => logoutOk(), [accessTokenMiddleware({ tokens: tokens(), needsToken: always })]);
    await t.logout();
    expect(t.requests[0]!.headers.authorization).toBe('Bearer token-1');
  });

  it('on 401 invalid_access_token_* refreshes once and retries once with the new token', async () => {
    const source = tokens();
    const t = client((r) => (r.headers.get('Authorization') === 'Bearer token-1' ? enhancedError(401, 'invalid_access_token_service_provider', 'application-registration') : logoutOk()), [accessTokenMiddleware({ tokens: source, needsToken: always })]);
    const { data } = await t.logout();
    expect(data?.logouts.Dish).toBeDefined();
    expect(t.requests.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(source.invalidated).toEqual(['token-1']);
  });

  it('gives up after one refresh when the second answer is also 401', async () => {
    const source = tokens();
    const t = client(() => enhancedError(401, 'invalid_access_token_client_application', 'application-registration'), [accessTokenMiddleware({ tokens: source, needsToken: always })]);
    const { response } = await t.logout();
    expect(response.status).toBe(401);
    expect(t.requests).toHaveLength(2);
    expect(source.issued).toEqual(['token-1', 'token-2']);
  });

  it('does not refresh on a 401 without an invalid_access_token code', async () => {
    const source = tokens();
    const t = client(() => enhancedError(401, 'invalid_parameter_mvpd', 'none'), [accessTokenMiddleware({ tokens: source, needsToken: always })]);
    await t.logout();
    expect(t.requests).toHaveLength(1);
    expect(source.invalidated).toEqual([]);
  });

  it('leaves operations without bearer security alone', async () => {
    const t = client(() => logoutOk(), [accessTokenMiddleware({ tokens: tokens(), needsToken: () => false })]);
    await t.logout();
    expect(t.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe('loggerMiddleware', () => {
  it('reports method, operation, path, status and duration and nothing else', async () => {
    const entries: RequestLogEntry[] = [];
    const clock = virtualClock();
    const t = client(() => logoutOk(), [loggerMiddleware((e) => entries.push(e), clock)], clock);
    await t.logout();
    expect(entries).toEqual([{ method: 'GET', operation: '/api/v2/{serviceProvider}/logout/{mvpd}', path: '/api/v2/REF30/logout/Dish', status: 200, durationMs: 0 }]);
  });
});
