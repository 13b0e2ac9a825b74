// Escapes for text the reports put into GitHub-flavoured Markdown (summary.md, diff.md, upstream.md).
import { oneLine } from './text.ts';

/**
 * Text in a table cell (safe in any inline text): a backslash is doubled first, so that a pipe
 * after it is still escaped and the backslash still shows; a pipe would end the cell; a line
 * break would end the row. Backticks are left: the reports' messages mark code with them, and GFM
 * splits a row into cells before it reads code spans, so a stray one from a host changes only how
 * its own cell looks.
 */
export const cell = (s: string): string => oneLine(s).replace(/\\/g, '\\\\').replace(/\|/g, '\\|');

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
export const codeCell = (s: string): string => code(s).replace(/\|/g, '\\|');
