// The diff as a library: load two descriptions (files, URLs or parsed objects), diff them, write reports.
import { writeReportFiles } from '../report/files.ts';
import { diffDocuments } from './diff.ts';
import { describeSource, loadDocument, resolveDocument, type LoadOptions, type Loaded } from './load.ts';
import { renderJson, renderJunit, renderMarkdown, type DiffReport, type FailOn } from './report.ts';

export type { Change } from './change.ts';
export type { DiffReport, FailOn, Format } from './report.ts';
export { RULES, LEVELS, type Level } from './rules.ts';

/** A description: a file path, an http(s) URL, or an already parsed document with the place it came from. */
export type Source = string | { document: unknown; location: string };

export async function load(source: Source, options: LoadOptions = {}): Promise<Loaded> {
  return typeof source === 'string' ? loadDocument(source, options) : resolveDocument(source.document, source.location, options);
}

const nameOf = (source: Source) => describeSource(typeof source === 'string' ? source : source.location);

export async function runDiff(base: Source, revision: Source, options: LoadOptions = {}): Promise<DiffReport> {
  const [b, r] = await Promise.all([load(base, options), load(revision, options)]);
  return { base: nameOf(base), revision: nameOf(revision), ...diffDocuments(b.document, r.document), warnings: [...b.warnings, ...r.warnings] };
}

/** Writes diff.md, diff.json and diff.junit.xml into `dir`, each whole or not at all (`writeReportFiles`); returns their paths. */
export function writeDiffReports(dir: string, report: DiffReport, failOn: FailOn): Promise<string[]> {
  return writeReportFiles(dir, [['diff.md', renderMarkdown(report)], ['diff.json', renderJson(report)], ['diff.junit.xml', renderJunit(report, failOn)]]);
}
