// Runs the README's server-to-server example against a loopback stand-in for Adobe.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serverToServer } from '../../examples/server-to-server.ts';
import { projectRoot } from '../../src/description/document.ts';
import { startLocalAdobe } from '../support/local-adobe.ts';

const CANARY = 'eyJhbGciOiJSUzI1NiJ9.CANARY-software-statement.c2ln';

describe('README server-to-server example', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs register → token → configuration → session → poll → authorize → logout', async () => {
    const adobe = await startLocalAdobe({
      // A session whose code is still valid now (the documented sample's notAfter is in 2024).
      createAuthenticationSession: () => ({ status: 200, body: { actionName: 'authenticate', actionType: 'interactive', reasonType: 'none', url: '/api/v2/authenticate/REF30/8ER640M', code: '8ER640M', sessionId: '1b614390-6610-4d14-9421-6565f6e75958', mvpd: 'Cablevision', serviceProvider: 'REF30', notBefore: String(Date.now()), notAfter: String(Date.now() + 1_800_000) } }),
    });
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args) => void lines.push(args.join(' ')));
    try {
      const result = await serverToServer(adobe.baseUrl, CANARY);
      expect(result.authorized).toBe(true);
      expect(result.token).toEqual(expect.any(String));
      expect(result.steps).toEqual([{ mvpd: 'Cablevision', do: 'openUrl', url: expect.stringMatching(/^https:\/\/sp\.auth\.adobe\.com\/adobe-services\/logout\?/) }]);
      expect(adobe.received.map((r) => r.operationId)).toEqual([
        'retrieveClientCredentials', 'retrieveAccessToken', 'retrieveConfiguration', 'createAuthenticationSession',
        'retrieveProfileForCode', 'retrieveAuthorizationDecisions', 'initiateLogout',
      ]);
      const session = adobe.received.find((r) => r.operationId === 'createAuthenticationSession')!;
      expect(session.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(session.body).toMatch(/^mvpd=[A-Za-z0-9_]+&domainName=adobe\.com&redirectUrl=https%3A%2F%2Fadobe\.com$/);
      expect(session.headers.authorization).toBe('Bearer 2YotnFZFEjr1zCsicMWpAA');
      expect(session.headers['x-forwarded-for']).toBe('203.0.113.7');
      // The logger saw every call, and no secret.
      expect(lines).toHaveLength(7);
      for (const secret of [CANARY, 't7AkePiru4', '2YotnFZFEjr1zCsicMWpAA']) expect(lines.join('\n')).not.toContain(secret);
    } finally {
      await adobe.close();
    }
  });

  it('is the code the README shows', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const body = readFileSync(join(projectRoot, 'examples', 'server-to-server.ts'), 'utf8').split('\n').filter((l) => !l.startsWith('import ')).join('\n').trim();
    expect(readme).toContain(body);
  });
});
