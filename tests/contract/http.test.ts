// A bounded exchange: its deadline fires although the garbage collector runs (see TOOLCHAIN.md:
// an AbortSignal.timeout() on a temporary Request stops firing once collected), and redirects are
// returned, not followed.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { exchange } from '../../src/contract/http.ts';
import { projectRoot } from '../../src/description/document.ts';

describe('exchange()', () => {
  it('times out under constant garbage collection (node --expose-gc)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', join(projectRoot, 'tests/contract/fixtures/gc-timeout.ts')], { cwd: projectRoot, timeout: 20_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({ outcome: 'HttpFailure:timeout', withinMs: true });
  }, 25_000);

  it('returns a 307 as is: the body is not re-sent to the Location', async () => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url!);
      if (req.url === '/start') res.writeHead(307, { Location: '/elsewhere' }).end();
      else res.writeHead(200).end('followed');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/start`;
      const ex = await exchange((r) => fetch(r), url, { method: 'POST', body: 'client_secret=s3cr3t' }, { timeoutMs: 2000, maxBytes: 1024 });
      expect(ex.status).toBe(307);
      expect(hits).toEqual(['/start']);
    } finally {
      server.close();
    }
  });

  it('is cancelled by the caller\'s signal', async () => {
    const controller = new AbortController();
    const never = exchange(() => new Promise<Response>(() => {}), 'http://127.0.0.1:9/', {}, { timeoutMs: 60_000, maxBytes: 1, signal: controller.signal });
    controller.abort();
    await expect(never).rejects.toMatchObject({ kind: 'aborted' });
  });
});
