// The CHANGELOG check: which release it compares with (tag, else snapshot) and which breaking changes need an entry.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkChangelog, findReleased } from '../../scripts/check-changelog.ts';
import { projectRoot } from '../../src/description/document.ts';
import { unreleasedPart } from '../../src/diff/changelog.ts';
import { runDiff } from '../../src/diff/index.ts';
import { fixture } from './support/spec-host.ts';

const CHANGELOG = `# Changelog

## 1.1.0 — unreleased

- \`DELETE /pets/{petId}\` removed.

## 1.0.0 — first

- \`GET /pets\` was public.
`;

/** A scratch project: the rule fixture as openapi/openapi.yaml, its 1.0.0 as the released snapshot. */
function scratch(changelog: string, mutate: (doc: Record<string, any>) => void = () => {}): string {
  const root = mkdtempSync(join(tmpdir(), 'changelog-'));
  mkdirSync(join(root, 'openapi', 'released'), { recursive: true });
  const base = parse(readFileSync(fixture('rules', 'base.yaml'), 'utf8')) as Record<string, any>;
  writeFileSync(join(root, 'openapi', 'released', 'openapi.json'), JSON.stringify(base));
  mutate(base);
  writeFileSync(join(root, 'openapi', 'openapi.yaml'), JSON.stringify(base));
  writeFileSync(join(root, 'openapi', 'CHANGELOG.md'), changelog);
  return root;
}
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, stdio: 'pipe' });

describe('CHANGELOG check', () => {
  it('keeps only what is above the released version\'s heading', () => {
    expect(unreleasedPart(CHANGELOG, '1.0.0')).toContain('DELETE /pets/{petId}');
    expect(unreleasedPart(CHANGELOG, '1.0.0')).not.toContain('GET /pets`');
    expect(unreleasedPart(CHANGELOG, '1.1')).toBe(CHANGELOG); // no heading names "1.1" as a whole version
    expect(unreleasedPart(CHANGELOG, undefined)).toBe(CHANGELOG);
  });

  it('passes when every breaking change names its operation above the release', async () => {
    const root = scratch(CHANGELOG, (d) => delete d.paths['/pets/{petId}'].delete);
    const result = await checkChangelog(root);
    expect(result.breaking.map((c) => c.operation)).toEqual(['DELETE /pets/{petId}']);
    expect(result.undocumented).toEqual([]);
  });

  it('fails on a breaking change without an entry, and an entry under the released version does not count', async () => {
    const root = scratch(CHANGELOG, (d) => {
      delete d.paths['/pets/{petId}'].delete;
      delete d.paths['/pets'].get.security; // GET /pets now needs credentials: breaking, named only under 1.0.0
    });
    const result = await checkChangelog(root);
    expect(result.undocumented.map((c) => `${c.operation} ${c.rule}`)).toEqual(['GET /pets operation-security-added']);
  });

  it('does not take an entry for a longer path as one for its prefix', async () => {
    const changelog = '# Changelog\n\n## 1.1.0 — unreleased\n\n- `GET /pets/{petId}` now needs credentials.\n\n## 1.0.0 — first\n';
    const root = scratch(changelog, (d) => delete d.paths['/pets'].get.security);
    const result = await checkChangelog(root);
    expect(result.undocumented.map((c) => `${c.operation} ${c.rule}`)).toEqual(['GET /pets operation-security-added']);
    // Named itself, at the end of a sentence or in backticks, it counts.
    for (const entry of ['- GET /pets now needs credentials.', '- Credentials on GET /pets.', '- `GET /pets`: credentials.']) {
      const named = scratch(`# Changelog\n\n## 1.1.0\n\n${entry}\n\n## 1.0.0\n`, (d) => delete d.paths['/pets'].get.security);
      expect((await checkChangelog(named)).undocumented, entry).toEqual([]);
    }
  });

  it('the script exits 1 naming the undocumented operation', () => {
    const root = scratch('# Changelog\n', (d) => delete d.paths['/pets/{petId}'].delete);
    let failure: { status: number; stderr: Buffer } | undefined;
    try {
      execFileSync(join(projectRoot, 'node_modules', '.bin', 'tsx'), [join(projectRoot, 'scripts', 'check-changelog.ts'), root], { stdio: 'pipe' });
    } catch (error) {
      failure = error as { status: number; stderr: Buffer };
    }
    expect(failure?.status).toBe(1);
    expect(String(failure?.stderr)).toContain('DELETE /pets/{petId}: operation-removed');
  });

  it('compares with the newest v* tag when the checkout has tags, else with the snapshot', () => {
    const root = scratch(CHANGELOG);
    expect(findReleased(root).from).toBe('openapi/released/openapi.json'); // not a git checkout
    git(root, 'init', '-q');
    expect(findReleased(root).from).toBe('openapi/released/openapi.json'); // no tags (a CI clone)
    mkdirSync(join(root, 'generated'));
    for (const version of ['1.0.0', '1.10.0', '1.9.0']) {
      writeFileSync(join(root, 'generated', 'openapi.json'), JSON.stringify({ openapi: '3.1.0', info: { title: 't', version }, paths: {} }));
      git(root, 'add', '-A');
      git(root, 'commit', '-qm', version);
      git(root, 'tag', `v${version}`);
    }
    const released = findReleased(root);
    expect(released.from).toBe('git tag v1.10.0');
    expect((released.document as { info: { version: string } }).info.version).toBe('1.10.0');
  });

  it('says so when there is neither a tag nor a snapshot', () => {
    const root = mkdtempSync(join(tmpdir(), 'changelog-none-'));
    expect(() => findReleased(root)).toThrow(/no release to compare with: no v\[0-9\]\* tag .* and no openapi\/released\/openapi\.json/);
  });

  it('resolving openapi/ file by file gives the same description as Redocly\'s bundle (no change at all)', async () => {
    const report = await runDiff(join(projectRoot, 'generated', 'openapi.json'), join(projectRoot, 'openapi', 'openapi.yaml'));
    expect(report.changes).toEqual([]);
  });
});
