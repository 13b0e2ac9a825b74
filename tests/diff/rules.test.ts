// Every rule, exercised by a synthetic pair (fixtures/rules): the diff must report exactly the hand-written changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { getByPointer, type Json } from '../../src/description/document.ts';
import { runDiff } from '../../src/diff/index.ts';
import { RULES } from '../../src/diff/rules.ts';

const dir = join(import.meta.dirname, 'fixtures', 'rules');
type Patch = { set?: string; remove?: string; value?: unknown; from?: string; fromReversed?: string };
interface Case { name: string; base?: Patch[]; revision: Patch[]; expect: string[] }
const { where, cases } = parse(readFileSync(join(dir, 'cases.yaml'), 'utf8')) as { where: Record<string, string>; cases: Case[] };
const baseDoc = parse(readFileSync(join(dir, 'base.yaml'), 'utf8')) as Json;

const expand = (pointer: string) => pointer.replace(/^\$\w+/, (name) => where[name] ?? name);
const decode = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

/** Applies the patches to a copy of the base document (pointers into the document as written, $refs unresolved). */
function patched(patches: Patch[] = []): Json {
  const doc = structuredClone(baseDoc);
  for (const p of patches) {
    const target = expand((p.set ?? p.remove)!);
    const segments = target.split('/').slice(1).map(decode);
    const last = segments.pop()!;
    const parent = getByPointer(doc, `#/${target.split('/').slice(1, -1).join('/')}`.replace(/\/$/, '')) as Record<string, unknown> | unknown[];
    expect(parent, `${p.set ?? p.remove}: parent exists`).toBeTypeOf('object');
    if (p.remove !== undefined) {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      continue;
    }
    let value = p.value;
    if (p.from) value = structuredClone(getByPointer(doc, `#${expand(p.from)}`));
    if (p.fromReversed) {
      const source = structuredClone(getByPointer(doc, `#${expand(p.fromReversed)}`)) as Json;
      value = Array.isArray(source) ? source.reverse() : Object.fromEntries(Object.entries(source as object).reverse());
    }
    (parent as Record<string, unknown>)[last] = value;
  }
  return doc;
}

const asLine = (c: { level: string; rule: string; operation?: string; pointer: string }) => `${c.level} ${c.rule} ${c.operation ?? '-'} ${c.pointer}`;
const expandLine = (line: string) => {
  const parts = line.split(' ');
  return [...parts.slice(0, -1), expand(parts.at(-1)!)].join(' ');
};

describe('diff rules on synthetic pairs', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const report = await runDiff({ document: patched(c.base), location: join(dir, 'base.yaml') }, { document: patched(c.revision), location: join(dir, 'revision.yaml') });
      expect(report.changes.map(asLine).sort()).toEqual(c.expect.map(expandLine).sort());
      expect(report.warnings).toEqual([]);
    });
  }

  it('exercises every rule of the catalogue', () => {
    const exercised = new Set(cases.flatMap((c) => c.expect.map((line) => line.split(' ')[1]!)));
    expect(Object.keys(RULES).filter((rule) => !exercised.has(rule))).toEqual([]);
    expect([...exercised].filter((rule) => !(rule in RULES))).toEqual([]);
  });
});
