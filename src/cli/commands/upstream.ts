// `pass-contract upstream [file|url...]`: Adobe's published OpenAPI files vs our description, waivers applied.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { UsageError } from '../../contract/usage-error.ts';
import { bundledDescriptionPath, projectRoot } from '../../description/document.ts';
import { renderUpstreamJson, renderUpstreamMarkdown, runUpstream, writeUpstreamReports } from '../../diff/upstream-report.ts';
import { loadWaivers, type Waiver } from '../../diff/waivers.ts';
import type { CommandContext } from '../io.ts';
import { asUsageError, parseTimeout } from './options.ts';

export const ADOBE_PUBLISHED = [
  'https://raw.githubusercontent.com/AdobeDocs/adobe-pass/main/static/restApiV2.json',
  'https://raw.githubusercontent.com/AdobeDocs/adobe-pass/main/static/dcrApi.json',
];
const DEFAULT_WAIVERS = join(projectRoot, 'openapi', 'UPSTREAM-WAIVERS.yaml');

/** In a checkout of this repository: the newest vendored version of Adobe's two files. */
function vendoredFiles(): string[] | undefined {
  const dir = join(projectRoot, 'reference', 'adobe-openapi');
  if (!existsSync(dir)) return undefined;
  const newest = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort().at(-1);
  return newest ? ['restApiV2.json', 'dcrApi.json'].map((f) => join(dir, newest, f)) : undefined;
}

export function upstreamCommand({ io, setExitCode }: CommandContext): Command {
  return new Command('upstream')
    .description("compare Adobe's published OpenAPI files (REST API V2 under /api/v2, DCR under /o) with our description")
    .argument('[sources...]', `Adobe's files or URLs (default: the newest vendored copy in reference/adobe-openapi; published at ${ADOBE_PUBLISHED.join(' and ')})`)
    .option('--ours <file|url>', 'our description (default: the bundled description)')
    .option('--waivers <file>', 'known differences, each with why (default: openapi/UPSTREAM-WAIVERS.yaml when present)')
    .addOption(new Option('-f, --format <format>', 'what to print on stdout').choices(['markdown', 'json']).default('markdown'))
    .option('-r, --report <dir>', 'also write upstream.md and upstream.json there')
    .option('--timeout <ms>', 'per URL, headers and body', parseTimeout, 15_000)
    .addHelpText('after', '\nExit codes: 0 nothing new, 1 a difference not in the waiver list, 2 usage or load errors.')
    .action(async (sources: string[], opts: { ours?: string; waivers?: string; format: 'markdown' | 'json'; report?: string; timeout: number }) => {
      const adobe = sources.length ? sources : vendoredFiles();
      if (!adobe) throw new UsageError(`give Adobe's files or URLs, e.g. ${ADOBE_PUBLISHED.join(' ')}`);
      const waiversPath = opts.waivers ?? (existsSync(DEFAULT_WAIVERS) ? DEFAULT_WAIVERS : undefined);
      let waivers: Waiver[] = [];
      if (waiversPath) waivers = await loadWaivers(waiversPath).catch((e: Error) => { throw new UsageError(e.message); });
      const report = await runUpstream(adobe, opts.ours ?? bundledDescriptionPath, waivers, { timeoutMs: opts.timeout }).catch(asUsageError);
      for (const w of report.warnings) io.err(`warning: ${w}`);
      io.out((opts.format === 'json' ? renderUpstreamJson(report) : renderUpstreamMarkdown(report)).trimEnd());
      if (opts.report) {
        const files = await writeUpstreamReports(opts.report, report).catch(asUsageError);
        io.err(`report: ${files.join(', ')}`);
      }
      setExitCode(report.counts.new > 0 ? 1 : 0);
    });
}
