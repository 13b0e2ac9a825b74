// Text the reports write into lines: Markdown rows, CI log lines.

/**
 * Characters a terminal or a log viewer acts on instead of showing: C0 controls but tab and line
 * feed (ESC starts sequences that recolour, hide or overwrite lines, set the window title or write
 * the clipboard; CR goes back over the line), DEL, C1 controls, and the bidirectional overrides and
 * isolates that reorder what is shown (“Trojan Source”).
 */
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `s` with each unprintable character written as its `\uXXXX` escape: field names and values from a
 * host (or a description fetched from one) are shown, never obeyed. In JSON text this is the
 * character's own escape, so the document still parses to the same value.
 */
export const printable = (s: string): string => s.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * `s` on one line and printable: CR LF, CR and LF each become a space. A Markdown table row ends at a line break,
 * and GitHub's runner reads any output line that starts with `::` as a workflow command (`::error`,
 * `::add-mask::`, `::stop-commands::`), whatever format was asked for: text from a host must not
 * start a line of its own.
 */
export const oneLine = (s: string): string => printable(s.replace(/\r\n|\r|\n/g, ' '));
