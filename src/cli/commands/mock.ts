// `pass-contract mock`: the description served by Prism, with Adobe-shaped errors, until Ctrl-C.
import { Command, Option } from 'commander';
import type { CommandContext } from '../io.ts';
import { asUsageError, parsePort, requestLine } from './options.ts';

export function mockCommand({ io }: CommandContext): Command {
  return new Command('mock')
    .description('serve the description with Prism; rejected requests get the documented error codes')
    .option('-p, --port <port>', 'port (0 picks a free one)', parsePort, 4010)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--verbose', 'log each request').default(false))
    .action(async (opts: { port: number; host: string; verbose: boolean }) => {
      // Loaded here, not with the command list: `pass-contract --help` and other commands do not pay for it.
      const { startMock } = await import('../../mock/server.ts');
      const mock = await startMock({
        port: opts.port, host: opts.host,
        ...(opts.verbose ? { onRequest: (e: { method: string; path: string; status: number; violation?: string }) => io.out(requestLine(e)) } : {}),
      }).catch(asUsageError);
      io.out(`mock listening on ${mock.url} (Prefer: example=<name> / code=<status> selects a documented situation)`);
      await io.stopped();
      await mock.close();
    });
}
