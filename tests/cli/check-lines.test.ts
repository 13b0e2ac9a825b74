// The check's log lines carry text from the host (error messages, JSON keys in pointers): a line
// break in it must not start a line of its own, which a CI runner would read as a command.
import { describe, expect, it } from 'vitest';
import { resultLines } from '../../src/cli/commands/check.ts';
import type { CaseResult } from '../../src/contract/results.ts';

describe('check log lines', () => {
  it('host text with CR/LF and "::" stays inside its line', () => {
    const hostile = 'boom\n::error::pwned\r\n::add-mask::x\r::stop-commands::t';
    const result = {
      id: 'retrieveConfiguration › x', operationId: 'retrieveConfiguration', kind: 'case', name: 'x', outcome: 'error', error: hostile,
      request: { method: 'GET', path: '/' },
      drifts: [{ rule: 'body-field-undocumented', tier: 'addition', kind: 'body', pointer: `/a\n::error::key`, expected: '', actual: '', message: hostile }],
    } as unknown as CaseResult;
    const lines = resultLines(result);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toMatch(/[\r\n]/);
      expect(line.startsWith('::')).toBe(false);
    }
    expect(lines[0]).toContain('boom ::error::pwned');
  });
});
