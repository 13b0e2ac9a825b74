// Runs the README's server-to-server example against the simulator, with a user who signs in
// on the simulated MVPD page while the example polls for the profile.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serverToServer } from '../../examples/server-to-server.ts';
import { projectRoot } from '../../src/description/document.ts';
import type { ClientRecord, TokenRecord } from '../../src/simulator/handlers/dcr.ts';
import { startTestSimulator, userSignsIn } from '../simulator/support.ts';

describe('README server-to-server example', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs register → token → configuration → session → poll → authorize → logout against the simulator', async () => {
    const operations: string[] = [];
    const adobe = await startTestSimulator({ onRequest: (e) => void (e.operationId && operations.push(e.operationId)) });
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args) => void lines.push(args.join(' ')));
    const statement = adobe.scenario.softwareStatements[0]!.statement;
    try {
      const [result, signedIn] = await Promise.all([serverToServer(adobe.url, statement), userSignsIn(adobe, AbortSignal.timeout(30_000))]);
      expect(signedIn.status).toBe(302);
      expect(result.mvpd).toBe('Cablevision');
      expect(result.authorized).toBe(true);
      expect(result.token).toEqual(expect.any(String));
      expect(result.steps).toEqual([{ mvpd: 'Cablevision', do: 'openUrl', url: expect.stringMatching(new RegExp(`^${adobe.url}/adobe-services/logout\\?`)) }]);
      expect(operations.filter((o) => o !== 'performAuthentication')).toEqual([
        'retrieveClientCredentials', 'retrieveAccessToken', 'retrieveConfiguration', 'createAuthenticationSession',
        ...Array(operations.filter((o) => o === 'retrieveProfileForCode').length).fill('retrieveProfileForCode'),
        'retrieveAuthorizationDecisions', 'initiateLogout',
      ]);
      expect(adobe.drifts).toEqual([]);
      // The logger saw every call of the example, and no secret: not the statement, the client secret or the token.
      expect(lines).toHaveLength(operations.filter((o) => o !== 'performAuthentication').length);
      const store = adobe.sim.simulator.ctx.store;
      const secrets = [statement, ...(await store.entries<ClientRecord>('clients')).map(([, c]) => c.clientSecret), ...(await store.entries<TokenRecord>('tokens')).map(([t]) => t)];
      expect(secrets.length).toBe(3);
      for (const secret of secrets) expect(lines.join('\n')).not.toContain(secret);
    } finally {
      await adobe.close();
    }
  }, 60_000);

  it('is the code the README shows', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const body = readFileSync(join(projectRoot, 'examples', 'server-to-server.ts'), 'utf8').split('\n').filter((l) => !l.startsWith('import ')).join('\n').trim();
    expect(readme).toContain(body);
  });
});
