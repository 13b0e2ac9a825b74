// Markdown escapes for report tables, with expectations written from the GFM table rules: a cell
// ends at an unescaped `|`, a row at a line break; `\|` is a pipe, `\\` a backslash; inside a code
// span in a table only the pipe needs its backslash.
import { describe, expect, it } from 'vitest';
import { cell, code, codeCell } from '../../src/report/markdown.ts';

describe('Markdown table cells', () => {
  it('escapes pipes and backslashes, backslashes first', () => {
    expect(cell('a|b')).toBe('a\\|b');
    expect(cell('C:\\dir')).toBe('C:\\\\dir');
    // A backslash before a pipe: both survive (`\\` then `\|`), the pipe does not end the cell.
    expect(cell('x\\|y')).toBe('x\\\\\\|y');
  });

  it('turns every kind of line break into a space', () => {
    expect(cell('one\r\ntwo\rthree\nfour')).toBe('one two three four');
  });

  it('code spans: backticks become quotes, line breaks spaces, backslashes stay', () => {
    expect(code('a`b\\c|d\r\n')).toBe("`a'b\\c|d `");
  });

  it('code spans in a table escape the pipe only', () => {
    expect(codeCell('/x|y\\z')).toBe('`/x\\|y\\z`');
  });
});
