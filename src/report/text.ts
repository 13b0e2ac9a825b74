// Text the reports write into lines: Markdown rows, CI log lines.

/**
 * `s` on one line: CR LF, CR and LF each become a space. A Markdown table row ends at a line break,
 * and GitHub's runner reads any output line that starts with `::` as a workflow command (`::error`,
 * `::add-mask::`, `::stop-commands::`), whatever format was asked for: text from a host must not
 * start a line of its own.
 */
export const oneLine = (s: string): string => s.replace(/\r\n|\r|\n/g, ' ');
