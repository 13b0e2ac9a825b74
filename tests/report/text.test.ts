// One line: every kind of line break (the runner and Markdown split on CR LF, CR and LF) becomes a space.
import { expect, it } from 'vitest';
import { oneLine } from '../../src/report/text.ts';

it('leaves no line break: CR LF, CR and LF each become one space', () => {
  expect(oneLine('a\r\n::error::x\r::y\nz')).toBe('a ::error::x ::y z');
  expect(oneLine('\n\n')).toBe('  ');
});
