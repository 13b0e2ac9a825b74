// `pass-contract audit`: check recorded traffic (HAR) against Adobe's integration rules and report the findings.
import { stat } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { auditFiles, failing, type FailOn } from '../../audit/audit.ts';
import { renderGithubAnnotations, renderText, writeAuditReports } from '../../audit/report.ts';
import { UsageError } from '../../contract/usage-error.ts';
import { loadDescription } from '../../description/index.ts';
import { HarReadError } from '../../http/har.ts';
import type { CommandContext } from '../io.ts';
import { asUsageError } from './options.ts';

interface Options { report: string; format: 'text' | 'github'; failOn: FailOn; serverToServer: boolean; host?: string[]; allowHeader?: string[] }

export function auditCommand({ io, setExitCode }: CommandContext): Command {
  return new Command('audit')
    .description('check recorded traffic (HAR files, --record output of proxy and simulate) against Adobe\'s integration rules')
    .argument('<traffic...>', 'HAR 1.2 files: browser or proxy exports, or recordings of `pass-contract proxy|simulate --record`')
    .option('-r, --report <dir>', 'where junit.xml, summary.md and report.json go', 'reports/audit')
    .addOption(new Option('--format <format>', 'how findings are printed: text, or GitHub workflow annotations').choices(['text', 'github']).default('text'))
    .addOption(new Option('--fail-on <level>', 'exit 1 on MUST findings only, or on SHOULD findings too').choices(['must', 'should']).default('must'))
    .option('--server-to-server', 'the traffic was sent by a programmer service on behalf of devices (judges X-Forwarded-For)', false)
    .option('--host <host...>', 'only audit requests to these hosts (default: every request to an /api/v2 or /o/client path)')
    .option('--allow-header <name...>', 'accept these extra headers in parameters.documented-only')
    .addHelpText('after', '\nExit codes: 0 no findings at the --fail-on level, 1 findings, 2 usage errors (missing or malformed traffic file).')
    .action(async (files: string[], opts: Options) => {
      for (const file of files) {
        const s = await stat(file).catch(() => undefined);
        if (!s?.isFile()) throw new UsageError(`cannot read traffic file ${file}: ${s ? 'not a file' : 'no such file'}`);
      }
      let report;
      try {
        report = await auditFiles(files, {
          description: loadDescription(),
          failOn: opts.failOn,
          serverToServer: opts.serverToServer,
          ...(opts.allowHeader ? { allowHeaders: opts.allowHeader } : {}),
          ...(opts.host ? { hosts: opts.host } : {}),
        });
      } catch (error) {
        if (error instanceof HarReadError) throw new UsageError(error.message);
        throw error;
      }
      for (const line of opts.format === 'github' ? renderGithubAnnotations(report) : renderText(report)) io.out(line);
      const written = await writeAuditReports(opts.report, report).catch(asUsageError);
      const c = report.counts;
      const t = report.traffic;
      io.out(`${t.exchanges} requests from ${t.devices} device${t.devices === 1 ? '' : 's'} (${t.ignored} other entries ignored); ${c.rules} rules: ${c.pass} pass, ${c.fail} fail, ${c.notExercised} not exercised, ${c.undecided} undecided; ${c.notCheckable} not checkable from traffic`);
      io.out(`${c.must} MUST and ${c.should} SHOULD findings; report: ${written.join(', ')}`);
      if (t.exchanges === 0) io.err('pass-contract audit: no request to Adobe\'s API (/api/v2, /o/client) in the traffic: nothing was checked');
      setExitCode(t.exchanges === 0 ? 2 : failing(report) ? 1 : 0);
    });
}
