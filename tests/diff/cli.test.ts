// `pass-contract diff` through main(): output formats, the JSON shape, exit codes by --fail-on, report files.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.ts';
import { fixture } from './support/spec-host.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, stopped: () => Promise.resolve() };
  return { io: value, out, err };
}
const base = fixture('multi-file', 'base', 'openapi.yaml');
const revision = fixture('multi-file', 'revision', 'openapi.json');

describe('pass-contract diff', () => {
  it('prints the documented JSON shape and exits 1 on a breaking change', async () => {
    const t = io();
    expect(await main(['diff', base, revision, '--format', 'json'], t.io)).toBe(1);
    const json = JSON.parse(t.out.join('\n')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['base', 'revision', 'counts', 'rules', 'changes', 'warnings']);
    expect(json.counts).toEqual({ breaking: 1, 'potentially-breaking': 0, 'non-breaking': 0 });
    expect(json.rules).toEqual({ 'response-property-became-optional': 1 });
    expect(json.changes).toEqual([{
      rule: 'response-property-became-optional',
      level: 'breaking',
      operation: 'GET /things/{thingId}',
      pointer: '/paths/~1things~1{thingId}/get/responses/200/content/application~1json/schema/properties/label',
      message: '200 response application/json: property label became optional',
    }]);
  });

  it('exits by --fail-on: never → 0; the same description → 0 whatever the level', async () => {
    expect(await main(['diff', base, revision, '--fail-on', 'never'], io().io)).toBe(0);
    expect(await main(['diff', base, base, '--fail-on', 'non-breaking'], io().io)).toBe(0);
    const t = io();
    expect(await main(['diff', base, revision, '--fail-on', 'sometimes'], t.io)).toBe(2);
    expect(t.err.join('\n')).toContain("argument 'sometimes' is invalid");
  });

  it('prints GitHub annotations with the level as the command', async () => {
    const t = io();
    await main(['diff', base, revision, '--format', 'github'], t.io);
    expect(t.out).toEqual(['::error title=response-property-became-optional GET /things/{thingId}::200 response application/json: property label became optional (/paths/~1things~1{thingId}/get/responses/200/content/application~1json/schema/properties/label)']);
  });

  it('writes Markdown, JSON and JUnit to --report, leaving no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'diff-cli-'));
    const t = io();
    expect(await main(['diff', base, revision, '--report', dir, '--format', 'markdown'], t.io)).toBe(1);
    expect((await readdir(dir)).sort()).toEqual(['diff.json', 'diff.junit.xml', 'diff.md']);
    const junit = await readFile(join(dir, 'diff.junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase classname="diff" name="GET \/things\/\{thingId\}"[^>]*>\s*<failure message="breaking response-property-became-optional/);
    expect(await readFile(join(dir, 'diff.md'), 'utf8')).toBe(`${t.out.join('\n')}\n`);
  });

  it('exits 2 with the reason when --report cannot hold the report: a file in the way, a path under /proc', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'diff-cli-')), 'a-file');
    await writeFile(file, 'x');
    for (const [dir, reason] of [[file, 'a file is in the way'], [join(file, 'sub'), 'a file is in the way'], ['/proc/pass-contract-diff/sub', 'ENOENT']] as const) {
      const t = io();
      expect(await main(['diff', base, revision, '--report', dir], t.io)).toBe(2);
      expect(t.err).toEqual([`pass-contract: --report ${dir} cannot hold the report: ${reason}`]);
    }
  });

  it('exits 2 with the reason when a description cannot be loaded', async () => {
    const t = io();
    expect(await main(['diff', base, join(tmpdir(), 'no-such-description.yaml')], t.io)).toBe(2);
    expect(t.err.join('\n')).toMatch(/^pass-contract: cannot read .*no-such-description\.yaml: ENOENT$/);
  });
});
