// Workflow-command escaping, with expectations written from GitHub's documentation: in a message
// % → %25, CR → %0D, LF → %0A; in a property value also : → %3A and , → %2C.
import { describe, expect, it } from 'vitest';
import { annotation, AnnotationBudget, ANNOTATIONS_PER_LEVEL, escapeData, escapeProperty } from '../../src/report/github.ts';
import { githubAnnotations } from '../../src/cli/commands/check.ts';
import type { Drift } from '../../src/contract/check-response.ts';
import type { CaseResult } from '../../src/contract/results.ts';
import type { Change } from '../../src/diff/change.ts';
import { render } from '../../src/diff/report.ts';

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

// GitHub shows 10 annotations of each level in a step and drops the rest without a word
// (actions/toolkit, docs/problem-matchers.md). Before, `check --format github` printed one
// `::error` per drift per case, and `diff`/`audit`, whose GitHub format is only annotations, the
// same: past the 10th, findings were nowhere a reader of the run's page would see them.
describe('the annotation budget of a step', () => {
  const count = (lines: string[], prefix: string) => lines.filter((l) => l.startsWith(prefix)).length;

  it('per level: 9 as given, a 10th that says the level is full, then the overflow lines', () => {
    const budget = new AnnotationBudget();
    const lines = [
      ...Array.from({ length: 25 }, (_, i) => budget.lines('error', `drift ${i}`, { title: 't' }, `error t: drift ${i}`)).flat(),
      ...Array.from({ length: 3 }, (_, i) => budget.lines('warning', `addition ${i}`, {}, `warning: addition ${i}`)).flat(),
      ...budget.lines('notice', 'a note'),
    ];
    expect(count(lines, '::error ')).toBe(ANNOTATIONS_PER_LEVEL);
    expect(lines.filter((l) => l.startsWith('::error ')).at(-1)).toBe('::error title=pass-contract%3A annotations cut::more error annotations than GitHub shows in one step (10): the rest are in this log and in the reports');
    // Every one of the 25 is printed once: 9 as annotations, 16 as plain lines.
    for (let i = 0; i < 25; i++) expect(lines.filter((l) => l.endsWith(`drift ${i}`))).toHaveLength(1);
    expect(count(lines, 'error t: drift ')).toBe(16);
    expect(count(lines, '::warning')).toBe(3);
    expect(count(lines, '::notice')).toBe(1);
  });

  it('check: the same drift in another case is not annotated again, and a run spends one budget', () => {
    const budget = new AnnotationBudget();
    const seen = new Set<string>();
    const drift = (pointer: string): Drift => ({ rule: 'field-missing', tier: 'breaking', kind: 'body', pointer, expected: 'present', actual: '(absent)', message: 'required field is absent' });
    const lines = Array.from({ length: 30 }, (_, i): CaseResult => ({
      id: `initiateLogout › case ${i}`, operationId: 'initiateLogout', kind: 'example', name: `case ${i}`, outcome: 'drift', tier: 'breaking', request: { method: 'GET', path: '/x' }, status: 200,
      // The same drift in every case, and one of its own.
      drifts: [drift('/logouts/Dish/url'), drift(`/logouts/mvpd${i}/url`)], durationMs: 1,
    })).flatMap((r) => githubAnnotations(r, 'breaking', budget, seen));
    expect(count(lines, '::error ')).toBe(10);
    expect(lines.filter((l) => l.includes('/logouts/Dish/url'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/annotations cut::more error annotations/);
  });

  it('diff --format github: 25 breaking changes, 10 annotations, every change printed', () => {
    const changes: Change[] = Array.from({ length: 25 }, (_, i) => ({ rule: 'response-property-removed', level: 'breaking', operation: 'GET /things', pointer: `/paths/~1things/get/responses/200/p${i}`, message: `property p${i} removed` }));
    const out = render({ changes, counts: { breaking: 25, 'potentially-breaking': 0, 'non-breaking': 0 }, rules: { 'response-property-removed': 25 }, base: 'a.yaml', revision: 'b.yaml', warnings: [] }, 'github', 'breaking').split('\n');
    expect(count(out, '::error ')).toBe(10);
    for (let i = 0; i < 25; i++) expect(out.filter((l) => l.includes(`property p${i} removed `))).toHaveLength(1);
    expect(out.filter((l) => !l.startsWith('::'))).toHaveLength(16);
  });
});
