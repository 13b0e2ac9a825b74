// The mock's and the simulator's answers to pages of other origins, against the headers Adobe's host
// sent on the 429 its throttling page shows (read from that page here, not from src/http/cors.ts).
// tests/client/in-browser.test.ts shows what Chromium makes of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/description/document.ts';
import { startMock, type RunningMock } from '../../src/mock/server.ts';
import { SP, startTestSimulator, type TestSimulator } from '../simulator/support.ts';

/** The `access-control-*` lines of the sample 429 on Adobe's throttling page. */
const adobe = Object.fromEntries(
  readFileSync(join(projectRoot, 'reference/adobe-pass/features/throttling-mechanism.md'), 'utf8')
    .split('\n').map((line) => /^(access-control-[a-z-]+): (.+)$/.exec(line.trim())).filter((m) => m !== null).map((m) => [m[1]!, m[2]!]),
);
const ORIGIN = 'https://www.example-programmer.com';

let mock: RunningMock;
let t: TestSimulator;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
  t = await startTestSimulator();
});
afterAll(async () => {
  await mock?.close();
  await t?.close();
});

const fetchAt = (url: string, init: RequestInit = {}) => fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
const cors = (r: Response) => Object.fromEntries([...r.headers].filter(([k]) => k.startsWith('access-control-') || k === 'vary'));
const preflight = { method: 'OPTIONS', headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization,x-device-info,ap-device-identifier' } };

describe('the page Adobe\'s headers were read from', () => {
  it('shows the four access-control headers', () => {
    expect(Object.keys(adobe).sort()).toEqual(['access-control-allow-credentials', 'access-control-allow-headers', 'access-control-allow-methods', 'access-control-expose-headers']);
  });
});

describe.each(['simulator', 'mock'] as const)('the %s, asked from a page of another origin', (host) => {
  const base = () => (host === 'mock' ? mock.url : t.url);
  // The mock's own headers, beside Adobe's: Prefer to choose an example, X-Pass-Mock-Violation to say what it rejected.
  const own = host === 'mock' ? { allow: ',Prefer', expose: ',X-Pass-Mock-Violation' } : { allow: '', expose: '' };

  it('answers the preflight with Adobe\'s lists and the page\'s origin', async () => {
    const r = await fetchAt(`${base()}/api/v2/${SP}/configuration`, preflight);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('');
    expect(cors(r)).toEqual({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-credentials': adobe['access-control-allow-credentials'],
      'access-control-allow-methods': adobe['access-control-allow-methods'],
      'access-control-allow-headers': `${adobe['access-control-allow-headers']}${own.allow}`,
      'access-control-expose-headers': `${adobe['access-control-expose-headers']}${own.expose}`,
      vary: 'Origin',
    });
  });

  it('lets the page read its answers, errors included', async () => {
    const r = await fetchAt(`${base()}/api/v2/${SP}/configuration`, { headers: { Origin: ORIGIN } });
    expect(r.status).toBe(401);
    expect(cors(r)).toMatchObject({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'true', 'access-control-expose-headers': `${adobe['access-control-expose-headers']}${own.expose}` });
  });

  it('answers a request without Origin as before: no access-control headers, and OPTIONS that is not a preflight is 405', async () => {
    const plain = await fetchAt(`${base()}/api/v2/${SP}/configuration`);
    expect(cors(plain)).toEqual({});
    const options = await fetchAt(`${base()}/api/v2/${SP}/configuration`, { method: 'OPTIONS', headers: { Origin: ORIGIN } });
    expect(options.status).toBe(405);
    expect(options.headers.get('allow')).toBe('GET');
  });
});

describe('the simulator\'s own pages', () => {
  it('are not opened to other origins: the control API gets no preflight answer and no access-control headers', async () => {
    const asked = await fetchAt(`${t.url}/_sim/state`, { ...preflight, headers: { ...preflight.headers, 'Access-Control-Request-Method': 'POST' } });
    expect(asked.status).not.toBe(200);
    expect(cors(asked)).toEqual({});
    const read = await fetchAt(`${t.url}/_sim/state`, { headers: { Origin: ORIGIN } });
    expect(cors(read)).toEqual({});
  });
});
