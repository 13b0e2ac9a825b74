// Structural rules of the description that lint does not cover (or that we had to turn off in lint).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, type Json, type JsonObject } from '../../src/description/document.ts';
import { doc, operations } from './fixture.ts';

type Visit = (node: JsonObject, path: string, ancestors: JsonObject[]) => void;
function walk(node: Json, visit: Visit, path = '#', ancestors: JsonObject[] = []): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((v, i) => walk(v, visit, `${path}/${i}`, ancestors));
  visit(node, path, ancestors);
  for (const [k, v] of Object.entries(node)) walk(v, visit, `${path}/${k}`, [...ancestors, node]);
}

describe('schemas', () => {
  it('declare every required property (in the schema or the object schema it refines)', () => {
    const undeclared: string[] = [];
    walk(doc, (node, path, ancestors) => {
      if (!Array.isArray(node.required)) return;
      // if/then/else, oneOf and not branches refine the nearest enclosing schema with `properties`.
      const scopes = [node, ...ancestors.slice().reverse()].filter((n) => n.properties && typeof n.properties === 'object');
      const declared = new Set(scopes.slice(0, 2).flatMap((s) => Object.keys(s.properties as JsonObject)));
      for (const name of node.required as string[]) if (!declared.has(name)) undeclared.push(`${path}: ${name}`);
    });
    expect(undeclared).toEqual([]);
  });

  it('describe every value of every oneOf-of-const enum', () => {
    const bare: string[] = [];
    walk(doc, (node, path) => {
      const members = node.oneOf;
      if (!Array.isArray(members) || !members.every((m) => m && typeof m === 'object' && 'const' in (m as JsonObject))) return;
      for (const m of members as JsonObject[]) if (typeof m.description !== 'string' || m.description.length < 5) bare.push(`${path}: ${String(m.const)}`);
    });
    expect(bare).toEqual([]);
  });
});

describe('operations', () => {
  const tagNames = (doc.tags as JsonObject[]).map((t) => t.name);
  it.each(operations.map((op) => ({ name: op.operationId, op })))('$name has one known tag, a summary, a description and its Adobe page', ({ op }) => {
    expect(op.node.tags).toHaveLength(1);
    expect(tagNames).toContain((op.node.tags as string[])[0]);
    expect(op.node.summary).toEqual(expect.any(String));
    expect(String(op.node.description).length).toBeGreaterThan(40);
    expect(String((op.node.externalDocs as JsonObject).url)).toMatch(/^https:\/\/experienceleague\.adobe\.com\//);
    expect(Object.keys(op.node.responses as JsonObject)).toContain('429');
  });

  it('groups every tag in x-tagGroups, in flow order', () => {
    const grouped = (doc['x-tagGroups'] as JsonObject[]).flatMap((g) => g.tags as string[]);
    expect(grouped).toEqual(tagNames);
  });
});

describe('x- extensions', () => {
  it('are each documented in openapi/extensions.md', () => {
    const documented = readFileSync(join(projectRoot, 'openapi', 'extensions.md'), 'utf8');
    const used = new Set<string>();
    walk(doc, (node, path) => {
      // Keys inside examples and request samples are data, not extensions.
      if (/\/(x-request-examples|examples|value)(\/|$)/.test(path)) return;
      for (const k of Object.keys(node)) if (k.startsWith('x-')) used.add(k);
    });
    expect(used.size).toBeGreaterThan(0);
    for (const k of used) expect(documented, k).toContain(`\`${k}\``);
  });
});
