// `pass-contract diff <base> <revision>`: classify every change between two OpenAPI descriptions for clients.
import { Command, Option } from 'commander';
import { runDiff, writeDiffReports } from '../../diff/index.ts';
import { exitCodeFor, FAIL_ON, FORMATS, render, type FailOn, type Format } from '../../diff/report.ts';
import type { CommandContext } from '../io.ts';
import { asUsageError, parseTimeout } from './options.ts';

export function diffCommand({ io, setExitCode }: CommandContext): Command {
  return new Command('diff')
    .description('classify every change between two OpenAPI 3.0/3.1 descriptions as breaking, potentially breaking or non-breaking for clients')
    .argument('<base>', 'the earlier description: file (JSON or YAML, may reference other files) or http(s) URL')
    .argument('<revision>', 'the later description')
    .addOption(new Option('-f, --format <format>', 'what to print on stdout').choices(FORMATS).default('markdown'))
    .addOption(new Option('--fail-on <level>', 'exit 1 when a change is at least this severe').choices(FAIL_ON).default('breaking'))
    .option('-r, --report <dir>', 'also write diff.md, diff.json and diff.junit.xml there')
    .option('--timeout <ms>', 'per URL, headers and body', parseTimeout, 15_000)
    .addHelpText('after', '\nRules and the JSON shape: README, "Breaking-change detection".\nExit codes: 0 nothing at or above --fail-on, 1 something is, 2 usage or load errors.')
    .action(async (base: string, revision: string, opts: { format: Format; failOn: FailOn; report?: string; timeout: number }) => {
      const report = await runDiff(base, revision, { timeoutMs: opts.timeout }).catch(asUsageError);
      for (const w of report.warnings) io.err(`warning: ${w}`);
      const text = render(report, opts.format, opts.failOn);
      if (text) io.out(text.trimEnd());
      if (opts.report) {
        const files = await writeDiffReports(opts.report, report, opts.failOn).catch(asUsageError);
        io.err(`report: ${files.join(', ')}`);
      }
      setExitCode(exitCodeFor(report.changes, opts.failOn));
    });
}
