// Markdown escapes for report tables, with expectations written from the GFM table rules: a cell
// ends at an unescaped `|`, a row at a line break; `\|` is a pipe, `\\` a backslash; inside a code
// span in a table only the pipe needs its backslash.
import { describe, expect, it } from 'vitest';
import { marked } from 'marked';
import { cell, code, codeCell, inline } from '../../src/report/markdown.ts';

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

/** The text a GFM renderer (marked) shows in the first `<tag>` element of `markdown`. */
function textOf(markdown: string, tag: 'td' | 'li'): string {
  const html = marked.parse(markdown, { gfm: true, async: false });
  const inner = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)?.[1];
  if (inner === undefined) throw new Error(`no <${tag}> in ${html}`);
  return inner.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
}

// What a reader sees: each cell put through marked (a GFM renderer, as GitHub's summary and PR
// views are) and read back as text. The expected texts are written by hand: the message as it
// reads, with the backticks of its code spans gone. Before: a backslash inside a message's code
// span (a host's JSON string with a quote, `"say \"hi\""`) showed doubled.
describe('table cells as a GFM renderer shows them', () => {
  const shown = (markdown: string): string => textOf(`| h |\n|---|\n| ${markdown} |\n`, 'td');

  it.each([
    ['a JSON string with quotes in a code span', '`"say \\"hi\\""` is not one of `"a"`, `"b"`', '"say \\"hi\\"" is not one of "a", "b"'],
    ['a backslash in text and in a code span', 'C:\\dir is not `^[^/\\s]+$`', 'C:\\dir is not ^[^/\\s]+$'],
    ['pipes in text and in a code span', 'a|b and `c|d`', 'a|b and c|d'],
    ['two backslashes before a pipe in a code span', '`x\\\\|y`', 'x\\\\|y'],
    // GFM has no way to show one backslash right before a pipe inside a code span in a table
    // (the row splits after an even run of backslashes, and the table drops one before a pipe):
    // the cell stays whole and shows the backslash twice.
    ['one backslash before a pipe in a code span', '`x\\|y`', 'x\\\\|y'],
    ['a backslash right before a code span closes', '`ends with \\` then text \\ here', 'ends with \\ then text \\ here'],
    ['an unmatched backtick', 'one ` left \\ open', 'one ` left \\ open'],
    ['a backslash escape that is not one', 'a \\* star and \\_ underscore', 'a \\* star and \\_ underscore'],
  ])('%s', (_, message, expected) => {
    expect(shown(cell(message))).toBe(expected);
  });

  it.each([
    ['/x|y\\z', '/x|y\\z'],
    ['a\\\\|b', 'a\\\\|b'],
    ['a`b', "a'b"],
  ])('a code cell of %s', (value, expected) => {
    expect(shown(codeCell(value))).toBe(expected);
  });
});

// Outside a table (a list item of notes and errors, a quote of warnings) no row is split, so a
// code span is left as it is. Before: cell() was used there too, and a pattern with a pipe in a
// code span showed its escape, `(a\|b)`.
describe('inline text outside a table as a GFM renderer shows it', () => {
  const shown = (markdown: string): string => textOf(`- ${markdown}\n`, 'li');

  it.each([
    ['a pattern with pipes and a backslash in a code span', '`/type` does not match `(a|b)\\s`', '/type does not match (a|b)\\s'],
    ['a JSON string with quotes in a code span', '`"say \\"hi\\""` is not allowed', '"say \\"hi\\"" is not allowed'],
    ['pipes and backslashes in text', 'C:\\dir a|b \\* not emphasis', 'C:\\dir a|b \\* not emphasis'],
    ['an unmatched backtick', 'one ` left \\ open', 'one ` left \\ open'],
  ])('%s', (_, message, expected) => {
    expect(shown(inline(message))).toBe(expected);
  });
});
