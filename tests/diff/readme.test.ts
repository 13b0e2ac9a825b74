// The README's rule tables are the documentation of the catalogue: every rule, with its level, and nothing else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../../src/description/document.ts';
import { RULES } from '../../src/diff/rules.ts';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const PLACES = ['request-parameter', 'request-property', 'response-property', 'response-header'];

it('documents every rule of src/diff/rules.ts at its level', () => {
  const documented = new Map<string, string>();
  // The schema table: one row per suffix, one column per place.
  const suffixes = new Set<string>();
  for (const m of readme.matchAll(/^\| `([a-z-]+)`[^|]*\|((?: [a-z—-]+ \|){4})$/gm)) {
    suffixes.add(m[1]!);
    m[2]!.split('|').map((c) => c.trim()).filter(Boolean).forEach((level, i) => {
      if (level !== '—') documented.set(`${PLACES[i]}-${m[1]}`, level);
    });
  }
  // The other table: rule, level, when.
  for (const m of readme.matchAll(/^\| `([a-z-]+)` \| (breaking|potentially-breaking|non-breaking) \| [^|]*[a-z][^|]* \|$/gm)) {
    if (!suffixes.has(m[1]!)) documented.set(m[1]!, m[2]!);
  }
  const expected = Object.fromEntries(Object.entries(RULES).map(([id, r]) => [id, r.level]));
  expect(Object.fromEntries([...documented].sort())).toEqual(Object.fromEntries(Object.entries(expected).sort()));
});
