// Every sample on each operation's Adobe page is a named request/response example here.
// Counts come from the vendored pages (reference/), so a page update shows up as a failure.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/description/document.ts';
import { operations } from './fixture.ts';

const referenceDir = join(projectRoot, 'reference');
const allPages = (function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]);
})(join(referenceDir, 'adobe-pass'));

/** `| \`POST /o/client/register\` | \`rest-api-dcr/apis/…-retrieve-client-credentials.md\` |` rows of reference/README.md. */
function pageMap(): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of readFileSync(join(referenceDir, 'README.md'), 'utf8').split('\n')) {
    const m = /^\|\s*`(GET|POST) ([^`]+)`\s*\|\s*`([^`]+)`\s*\|/.exec(line);
    if (!m) continue;
    const [, method, path, page] = m as unknown as [string, string, string, string];
    const [head, tail] = page.split('…');
    const matches = allPages.filter((p) => p.includes(`/${head}`) && (tail === undefined || p.endsWith(tail)));
    if (matches.length !== 1) throw new Error(`reference/README.md: "${page}" matches ${matches.length} pages`);
    map.set(`${method.toLowerCase()} ${path}`, matches[0]!);
  }
  return map;
}

function sampleTabs(page: string): { requests: number; responses: number } {
  const samples = readFileSync(page, 'utf8').split(/^## (?:Samples|Muestras)\b/m)[1] ?? '';
  const tabs = samples.split('\n').filter((l) => l.startsWith('>[!TAB'));
  return {
    requests: tabs.filter((t) => /^>\[!TAB (Request|Solicitud)\b/.test(t)).length,
    responses: tabs.filter((t) => /^>\[!TAB (Response|Respuesta)\b/.test(t)).length,
  };
}

const pages = pageMap();

describe('documented samples are examples', () => {
  it('maps all 15 operations to a page', () => {
    expect(pages.size).toBe(15);
    for (const op of operations) expect(pages.has(`${op.method} ${op.path}`), `${op.method} ${op.path}`).toBe(true);
  });

  it.each(operations.map((op) => ({ name: op.operationId, op })))('$name', ({ op }) => {
    const tabs = sampleTabs(pages.get(`${op.method} ${op.path}`)!);
    const requests = Object.entries(op.requestExamples);
    const responses = new Set(requests.flatMap(([name, ex]) => ex.responses ?? [name]));
    expect(tabs.requests).toBeGreaterThan(0);
    expect({ requests: requests.length, responses: responses.size }).toEqual(tabs);
  });

  it('covers the 7 samples of seed 000 (logout, Spanish) as the logout examples', () => {
    const seed = sampleTabs(join(referenceDir, 'seeds', '000_a82d2a800d33e645.txt'));
    const logout = operations.find((op) => op.path === '/api/v2/{serviceProvider}/logout/{mvpd}')!;
    expect(seed).toEqual({ requests: 7, responses: 7 });
    expect(Object.keys(logout.requestExamples)).toHaveLength(seed.requests);
  });
});
