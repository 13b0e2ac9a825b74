// Proxy mode forwards real calls unchanged and records the drift of each response in the report.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startProxy } from '../../src/proxy/server.ts';
import { startLocalAdobe } from '../support/local-adobe.ts';

const header = { Authorization: 'Bearer proxy-canary-token', 'AP-Device-Identifier': 'fingerprint ZGV2aWNl', 'X-Device-Info': 'e30=' };

describe('pass-contract proxy', () => {
  it('forwards calls and reports the drifted ones with their JSON pointers', async () => {
    const upstream = await startLocalAdobe({
      initiateLogout: () => ({ status: 200, body: { logouts: { Dish: { actionName: 'logout', actionType: 'interactive', mvpd: 'Dish' } } } }),
    });
    const reportDir = await mkdtemp(join(tmpdir(), 'pass-proxy-'));
    const proxy = await startProxy({ upstream: upstream.baseUrl, port: 0, reportDir, secrets: ['proxy-canary-token'] });
    try {
      const logout = await fetch(`${proxy.url}/api/v2/REF30/logout/Dish?redirectUrl=https%3A%2F%2Fadobe.com`, { headers: header });
      expect(logout.status).toBe(200);
      expect(await logout.json()).toEqual({ logouts: { Dish: { actionName: 'logout', actionType: 'interactive', mvpd: 'Dish' } } });
      const config = await fetch(`${proxy.url}/api/v2/REF30/configuration`, { headers: header });
      expect(config.status).toBe(200);
      expect(upstream.received.map((r) => r.operationId)).toEqual(['initiateLogout', 'retrieveConfiguration']);
      expect(upstream.received[0]!.headers.authorization).toBe(header.Authorization);

      await proxy.flush();
      const report = JSON.parse(await readFile(join(reportDir, 'report.json'), 'utf8'));
      expect(report.mode).toBe('proxy');
      expect(report.counts).toMatchObject({ cases: 2, pass: 1, drift: 1 });
      expect(report.results[0].drifts.map((d: { pointer: string }) => d.pointer)).toContain('/logouts/Dish/url');
      const files = await Promise.all(['junit.xml', 'summary.md', 'report.json'].map((f) => readFile(join(reportDir, f), 'utf8')));
      for (const text of files) expect(text).not.toContain('proxy-canary-token');
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});
