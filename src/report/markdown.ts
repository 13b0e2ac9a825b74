// Escapes for text the reports put into GitHub-flavoured Markdown (summary.md, diff.md, upstream.md).
import { oneLine } from './text.ts';

/** Text: a backslash is doubled first, so that a pipe after it is still escaped and the backslash still shows. */
const textInCell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');

/**
 * Code span content in a table: backslashes are literal there, so only pipes get one. A table
 * row is split where a pipe follows an even run of backslashes, so a run before a pipe is made odd;
 * the table then drops one backslash before each pipe (a run that was odd shows one more).
 */
const codeInCell = (s: string): string => s.replace(/(\\*)\|/g, (_, run: string) => `${run}${run.length % 2 === 0 ? '\\' : '\\\\'}|`);

/** `text` with its code spans (between two backticks) and the text around them escaped each its own way. */
function escapeSpans(text: string, inCode: (s: string) => string, inText: (s: string) => string): string {
  const parts = text.split('`');
  // Odd parts lie between two backticks; with an odd number of backticks the last part follows an unmatched one.
  const spans = parts.length % 2 === 1 ? parts.length : parts.length - 1;
  return parts.map((part, i) => (i % 2 === 1 && i < spans ? inCode(part) : inText(part))).join('`');
}

/**
 * Text in a table cell: a pipe would end the cell; a line break would end the row. The reports'
 * messages mark code with backticks: inside those code spans a backslash is literal, outside it
 * is doubled to show. A backtick without a closing one is text, as GFM reads it; GFM splits a row
 * into cells before it reads code spans, so a stray backtick from a host changes only how its own
 * cell looks.
 */
export const cell = (s: string): string => escapeSpans(oneLine(s), codeInCell, textInCell);

/**
 * Text outside a table (a list item, a quote, a heading): on one line, backslashes doubled to show
 * outside code spans, and the code spans left as they are (no row to split, so a pipe needs nothing).
 */
export const inline = (s: string): string => escapeSpans(oneLine(s), (c) => c, textInCell);

/**
 * Inline code outside a table. Backslashes are literal in a code span; a backtick would end it,
 * so it becomes `'`.
 */
export const code = (s: string): string => `\`${oneLine(s).replace(/`/g, "'")}\``;

/**
 * Inline code in a table cell: the table splits its row on unescaped pipes before the code span
 * is read (GFM), so a pipe is escaped even there; GFM drops that backslash, a code span keeps
 * every other one.
 */
export const codeCell = (s: string): string => `\`${codeInCell(oneLine(s).replace(/`/g, "'"))}\``;

/**
 * What GitHub shows of a step's summary (`$GITHUB_STEP_SUMMARY`): 1 MiB. A larger one is not shown
 * at all; the step gets an error annotation instead. Our recipes append summary.md and upstream.md
 * to it, so a report against a host that drifts everywhere left the job without its summary.
 */
export const STEP_SUMMARY_BYTES = 1024 * 1024;

/**
 * `markdown` cut at a line so that it fits in `maxBytes` (UTF-8), with a last line that says how
 * many lines were left out and where they are; unchanged when it fits. The default leaves 16 KiB
 * of the step's 1 MiB for what a workflow adds around it.
 */
export function fitStepSummary(markdown: string, maxBytes = STEP_SUMMARY_BYTES - 16 * 1024): string {
  if (Buffer.byteLength(markdown) <= maxBytes) return markdown;
  const lines = markdown.endsWith('\n') ? markdown.slice(0, -1).split('\n') : markdown.split('\n');
  const note = (left: number) => `\n\n> ✂️ ${left} more line${left === 1 ? '' : 's'} not shown: GitHub shows at most 1 MiB of a step's summary. The JSON report beside this file holds every row.\n`;
  const room = maxBytes - Buffer.byteLength(note(lines.length));
  let bytes = 0;
  let kept = 0;
  for (; kept < lines.length; kept++) {
    const next = Buffer.byteLength(lines[kept]!) + 1;
    if (bytes + next > room) break;
    bytes += next;
  }
  return `${lines.slice(0, kept).join('\n')}${note(lines.length - kept)}`;
}
