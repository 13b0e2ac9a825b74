// The README's audit section names every rule the audit checks and every rule it cannot check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { NOT_CHECKABLE, RULES } from '../../src/audit/rules/index.ts';
import { projectRoot } from '../../src/description/document.ts';

it('the README lists every audit rule with its level, and every rule not checkable from traffic', () => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Auditing an integration'), readme.indexOf('\n## ', readme.indexOf('## Auditing an integration') + 5));
  for (const r of RULES) expect(section, r.id).toContain(`| \`${r.id}\` | ${r.level} |`);
  for (const r of NOT_CHECKABLE) expect(section, r.id).toContain(`\`${r.id}\``);
});
