// Workflow-command escaping, with expectations written from GitHub's documentation: in a message
// % → %25, CR → %0D, LF → %0A; in a property value also : → %3A and , → %2C.
import { describe, expect, it } from 'vitest';
import { annotation, escapeData, escapeProperty } from '../../src/report/github.ts';

describe('GitHub workflow commands', () => {
  it('escapes %, CR and LF in a message, % first (so a literal "%0A" is not read back as a line break)', () => {
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeData('%0A')).toBe('%250A');
    expect(escapeData('a: b, c')).toBe('a: b, c');
  });

  it('escapes : and , in a property value as well', () => {
    expect(escapeProperty('breaking header-invalid: getConfig, 2%\n')).toBe('breaking header-invalid%3A getConfig%2C 2%25%0A');
  });

  it('builds one line, leaving out properties without a value', () => {
    expect(annotation('error', 'line 1\nline 2', { title: 'rule: op, x', file: undefined })).toBe('::error title=rule%3A op%2C x::line 1%0Aline 2');
    expect(annotation('warning', 'm', { title: 't', file: 'a,b.har' })).toBe('::warning title=t,file=a%2Cb.har::m');
    expect(annotation('notice', '100%')).toBe('::notice::100%25');
  });
});
