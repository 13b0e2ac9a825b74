// Every YAML file under openapi/ is reachable from openapi.yaml: Redocly lints only what is
// referenced, so an orphan file would be unlinted, unbundled and silently stale.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/description/document.ts';

const openapiDir = join(projectRoot, 'openapi');
/** YAML files under openapi/ that are about the description, not part of it (pass-contract upstream reads this one). */
const NOT_DESCRIPTION = new Set([join(openapiDir, 'UPSTREAM-WAIVERS.yaml')]);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []);
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) found.push(v.split('#')[0]!);
      else refsIn(v, found);
    }
  }
  return found;
}

describe('openapi/ files', () => {
  it('are all reachable from openapi.yaml', () => {
    const reached = new Set<string>();
    const queue = [join(openapiDir, 'openapi.yaml')];
    while (queue.length) {
      const file = queue.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      for (const ref of refsIn(parse(readFileSync(file, 'utf8')))) queue.push(resolve(dirname(file), ref));
    }
    const orphans = yamlFiles(openapiDir).filter((f) => !reached.has(f) && !NOT_DESCRIPTION.has(f)).map((f) => relative(projectRoot, f));
    expect(orphans).toEqual([]);
  });
});
