// `pass-contract proxy`: forward traffic to an Adobe host and check every response, until Ctrl-C.
import { Command } from 'commander';
import { safeUrl } from '../../contract/redact.ts';
import { baseUrlWithoutPrefix, UsageError } from '../../contract/target.ts';
import { recordingSummary } from '../../http/recording.ts';
import { startProxy } from '../../proxy/server.ts';
import type { CommandContext } from '../io.ts';
import { asUsageError, ms, parsePort, seconds } from './options.ts';
import { resultHead } from './check.ts';

export function proxyCommand({ io, setExitCode }: CommandContext): Command {
  return new Command('proxy')
    .description('forward traffic to an Adobe host and collect drift from real calls into the report')
    .requiredOption('-u, --upstream <url>', 'the Adobe host to forward to')
    .option('-p, --port <port>', 'port (0 picks a free one)', parsePort, 4011)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-r, --report <dir>', 'report directory (rewritten as calls come in)', 'reports')
    .option('--upstream-timeout <seconds>', 'deadline for the upstream\'s whole answer (then 504) and for the client\'s request body (then 408)', seconds('--upstream-timeout'), 30)
    .option('--drain <seconds>', 'on Ctrl-C or SIGTERM, how long exchanges in flight may take to finish before they are cut (a second Ctrl-C cuts them at once)', seconds('--drain', 'cut them at once'), 10)
    .option('--record <file>', 'also write every exchange to this HAR 1.2 file (secrets redacted; valid after each exchange) for `pass-contract audit`')
    .action(async (opts: { upstream: string; port: number; host: string; report: string; upstreamTimeout: number; drain: number; record?: string }) => {
      let upstream: URL;
      try {
        upstream = new URL(opts.upstream);
      } catch {
        throw new UsageError(`--upstream must be a URL, got "${safeUrl(opts.upstream)}"`);
      }
      if (!/^https?:$/.test(upstream.protocol)) throw new UsageError(`--upstream must be an http(s) URL, got "${safeUrl(opts.upstream)}"`);
      baseUrlWithoutPrefix('--upstream', upstream);
      const proxy = await startProxy({
        upstream: opts.upstream, port: opts.port, host: opts.host, reportDir: opts.report, timeoutMs: ms(opts.upstreamTimeout),
        onRecord: (r) => io.out(resultHead(r)),
        onReportError: (e?: Error) => io.err(e ? `pass-contract proxy: ${e.message} (the proxy goes on forwarding, and writes the report again with the next exchange)` : `pass-contract proxy: the report is written again in ${opts.report}/`),
        ...(opts.record ? { record: opts.record, onRecordError: (e: Error) => io.err(`pass-contract proxy: ${e.message} (the proxy goes on forwarding)`) } : {}),
      }).catch(asUsageError);
      io.out(`proxy listening on ${proxy.url} → ${safeUrl(upstream.origin)}; report in ${opts.report}/${opts.record ? `; recording to ${opts.record}` : ''}`);
      await io.stopped();
      // A second Ctrl-C (or SIGTERM) cuts the drain short.
      const cut = new AbortController();
      void io.stopped().then(() => cut.abort());
      const verdict = await proxy.close({
        drainMs: ms(opts.drain), signal: cut.signal,
        onDrain: (n) => io.err(`pass-contract proxy: stopping; ${n === 1 ? '1 exchange' : `${n} exchanges`} in flight may finish within ${opts.drain} s (Ctrl-C again to cut ${n === 1 ? 'it' : 'them'})`),
      });
      io.out(verdict.headline);
      if (proxy.recording) io.out(recordingSummary(proxy.recording));
      setExitCode(verdict.exitCode);
    });
}
