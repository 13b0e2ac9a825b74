// `pass-contract proxy`: forward traffic to an Adobe host and check every response, until Ctrl-C.
import { Command } from 'commander';
import { UsageError } from '../../contract/check.ts';
import { startProxy } from '../../proxy/server.ts';
import type { CommandContext } from '../io.ts';
import { parsePort } from './options.ts';

export function proxyCommand({ io, setExitCode }: CommandContext): Command {
  return new Command('proxy')
    .description('forward traffic to an Adobe host and collect drift from real calls into the report')
    .requiredOption('-u, --upstream <url>', 'the Adobe host to forward to')
    .option('-p, --port <port>', 'port (0 picks a free one)', parsePort, 4011)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-r, --report <dir>', 'report directory (rewritten after every call)', 'reports')
    .action(async (opts: { upstream: string; port: number; host: string; report: string }) => {
      try {
        new URL(opts.upstream);
      } catch {
        throw new UsageError(`--upstream must be a URL, got "${opts.upstream}"`);
      }
      const proxy = await startProxy({ upstream: opts.upstream, port: opts.port, host: opts.host, reportDir: opts.report, onRecord: (r) => io.isTTY && io.out(`${r.outcome === 'pass' ? '✓' : '✗'} ${r.id} → ${r.status}`) });
      io.out(`proxy listening on ${proxy.url} → ${new URL(opts.upstream).origin}; report in ${opts.report}/`);
      await io.stopped();
      await proxy.close();
      setExitCode(proxy.results.some((r) => r.outcome !== 'pass') ? 1 : 0);
    });
}
