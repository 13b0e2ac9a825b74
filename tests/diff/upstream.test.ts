// `pass-contract upstream`: what Adobe's files have that ours lacks and the reverse, waivers, and the real files.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main, type Io } from '../../src/cli/main.ts';
import { bundledDescriptionPath, projectRoot } from '../../src/description/document.ts';
import { runUpstream, type UpstreamReport } from '../../src/diff/upstream-report.ts';
import { applyWaivers, loadWaivers, parseWaivers } from '../../src/diff/waivers.ts';
import { fixture } from './support/spec-host.ts';

const adobe = fixture('upstream', 'adobe.json');
const ours = fixture('upstream', 'ours.yaml');
const WAIVERS = join(projectRoot, 'openapi', 'UPSTREAM-WAIVERS.yaml');
const newest = (name: string) => join(projectRoot, 'reference', 'adobe-openapi', '2025-10-23-3dd8ab2', name);

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, stopped: () => Promise.resolve() };
  return { io: value, out, err };
}

describe('upstream comparison on a synthetic pair', () => {
  let report: UpstreamReport;
  beforeAll(async () => void (report = await runUpstream([adobe], ours, [])));

  it('lists, by name, what each side has that the other lacks', () => {
    const op = 'GET /api/v2/{serviceProvider}/things/{id}';
    expect(report.findings.map((f) => f.key)).toEqual([
      'adobe-only enum-value GET /api/v2/{serviceProvider}/things/{id} 200 application/json kind "sack"',
      'adobe-only operation POST /api/v2/{serviceProvider}/things/{code}',
      `adobe-only parameter ${op} header AP-SDK-Identifier`,
      `adobe-only property ${op} 200 application/json legacyFlag`,
      `adobe-only property ${op} 200 application/json owner.hostName`,
      `adobe-only status ${op} 302`,
      `differs required ${op} header ap-device-identifier`.replace('ap-device-identifier', 'AP-Device-Identifier'),
      `ours-only enum-value ${op} 200 application/json kind "tube"`,
      'ours-only operation GET /api/v2/{serviceProvider}/widgets',
      `ours-only parameter ${op} header X-Forwarded-For`,
      `ours-only property ${op} 200 application/json createdAt`,
      `ours-only status ${op} 429`,
    ]);
  });

  it('matches path templates by position, Authorization with our security, and leaves out what is not comparable', () => {
    const keys = report.findings.map((f) => f.key).join('\n');
    expect(keys).not.toMatch(/Authorization/); // Adobe's Authorization header is our bearer requirement
    expect(keys).not.toMatch(/meta\.region/); // Adobe's meta is an object without properties: opaque
    expect(keys).not.toMatch(/message/); // typed object there, string here: types are not compared
    expect(keys).not.toMatch(/\/o\/client\/token/); // outside the Adobe file's base path /api/v2
    expect(report.sources).toEqual([{ name: 'adobe.json', basePath: '/api/v2', operations: 2, matched: 1 }]);
    expect(report.notCompared.join('\n')).toMatch(/types and formats/);
  });
});

describe('waivers', () => {
  it('match keys with * wildcards and report the ones matching nothing as stale', async () => {
    const report = await runUpstream([adobe], ours, []);
    const waivers = parseWaivers('waivers:\n  - { what: "ours-only status * 429", why: throttling is documented }\n  - { what: "adobe-only * 302", why: redirects }\n  - { what: "adobe-only operation DELETE *", why: nothing matches }\n', 'w.yaml');
    const applied = applyWaivers(report.findings, waivers);
    expect(applied.findings.filter((f) => f.waiver).map((f) => f.key)).toEqual([
      'adobe-only status GET /api/v2/{serviceProvider}/things/{id} 302',
      'ours-only status GET /api/v2/{serviceProvider}/things/{id} 429',
    ]);
    expect(applied.stale.map((w) => w.what)).toEqual(['adobe-only operation DELETE *']);
  });

  // `*` was compiled to `.*` in a regular expression, which backtracks: a waiver with ten `*`s
  // against a 60-character key that it does not match took 3 minutes (eight: 19 s).
  it('match in time linear in the key, however many * a waiver has', () => {
    const finding = (key: string) => ({ side: 'adobe-only' as const, kind: 'property' as const, operation: 'GET /x', where: '', key, message: '' });
    const waivers = [{ what: `${'a*'.repeat(14)}c`, why: 'pathological' }, { what: '*a*a*a*a*a*a*a*a*b', why: 'ends in b' }];
    const applied = applyWaivers([finding('a'.repeat(60)), finding(`${'a'.repeat(40)}b`)], waivers);
    expect(applied.findings.map((f) => f.waiver?.why)).toEqual([undefined, 'ends in b']);
  });

  it('* stands for any text, / and spaces included, and nothing else is special', () => {
    const matches = (what: string, key: string) => applyWaivers([{ side: 'ours-only', kind: 'status', operation: '', where: '', key, message: '' }], [{ what, why: 'w' }]).findings[0]!.waiver !== undefined;
    const cases: [string, string, boolean][] = [
      ['ours-only status * 429', 'ours-only status GET /api/v2/{serviceProvider}/x 429', true],
      ['ours-only status * 429', 'ours-only status GET /x 4290', false],
      ['*', '', true],
      ['**', 'anything at all', true],
      ['a*', 'a', true],
      ['*a', 'ba', true],
      ['*a', 'ab', false],
      ['a*b*c', 'a-x-b-y-c', true],
      ['a*b*c', 'a-x-c-y-b', false],
      ['a.c', 'abc', false],
      ['a.c', 'a.c', true],
      ['(x)+[y]?', '(x)+[y]?', true],
      ['^x$', '^x$', true],
      ['x', 'xx', false],
    ];
    expect(cases.map(([what, key]) => matches(what, key))).toEqual(cases.map(([, , expected]) => expected));
  });

  it('must each say what and why, and cite ERRATA entries by number', () => {
    expect(() => parseWaivers('waivers:\n  - what: "ours-only status * 429"\n', 'w.yaml')).toThrow('w.yaml: waivers[0] (ours-only status * 429): "why" must say why the difference is accepted');
    expect(() => parseWaivers('waivers:\n  - { why: because }\n', 'w.yaml')).toThrow('w.yaml: waivers[0]: "what" must be a non-empty string');
    expect(() => parseWaivers('waivers:\n  - { what: x, why: y, errata: [two] }\n', 'w.yaml')).toThrow(/"errata" must be entry numbers/);
    expect(() => parseWaivers('waivers:\n  - { what: x, why: y, note: z }\n', 'w.yaml')).toThrow(/unknown field note/);
    expect(() => parseWaivers('[1, 2]', 'w.yaml')).toThrow('w.yaml: expected a "waivers:" list');
  });
});

describe("our waiver list against Adobe's newest published files", () => {
  let report: UpstreamReport;
  beforeAll(async () => void (report = await runUpstream([newest('restApiV2.json'), newest('dcrApi.json')], bundledDescriptionPath, await loadWaivers(WAIVERS))));

  it('compares REST API V2 under /api/v2 and DCR under /o, every operation matched', () => {
    expect(report.sources).toEqual([
      { name: 'restApiV2.json', basePath: '/api/v2', operations: 13, matched: 13 },
      { name: 'dcrApi.json', basePath: '/o', operations: 2, matched: 2 },
    ]);
  });

  it('finds the differences read in the files: no 429 anywhere, InetAddress getters, the token request in the query', () => {
    const keys = report.findings.map((f) => f.key);
    expect(keys.filter((k) => /^ours-only status .* 429$/.test(k))).toHaveLength(15);
    expect(keys).toContain('adobe-only property GET /api/v2/{serviceProvider}/sessions/{code} 200 application/json device.connection.ipAddress.canonicalHostName');
    expect(keys).toContain('adobe-only parameter POST /o/client/token query client_secret');
    expect(keys).toContain('differs required GET /api/v2/{serviceProvider}/logout/{mvpd} query redirectUrl');
  });

  it('shows nothing new: every difference is either described or waived with why', () => {
    expect(report.findings.filter((f) => !f.waiver).map((f) => f.key)).toEqual([]);
    expect(report.counts.waived).toBe(report.findings.length);
  });

  it('has no stale waiver, and every ERRATA entry a waiver cites exists', async () => {
    expect(report.stale).toEqual([]);
    const errata = await readFile(join(projectRoot, 'openapi', 'ERRATA.md'), 'utf8');
    const entries = new Set([...errata.matchAll(/^(\d+)\. \*\*/gm)].map((m) => Number(m[1])));
    const cited = (await loadWaivers(WAIVERS)).flatMap((w) => w.errata ?? []);
    expect(cited.filter((n) => !entries.has(n))).toEqual([]);
  });
});

it("takes each file's base path from its servers: the 2024-06 DCR file said /api/o, so its operations are not ours", async () => {
  const dcr = join(projectRoot, 'reference', 'adobe-openapi', '2024-06-27-65958fe', 'dcrApi.json');
  const report = await runUpstream([dcr], bundledDescriptionPath, []);
  expect(report.sources).toEqual([{ name: 'dcrApi.json', basePath: '/api/o', operations: 2, matched: 0 }]);
  expect(report.findings.map((f) => f.key)).toEqual(['adobe-only operation POST /api/o/client/register', 'adobe-only operation POST /api/o/client/token']);
});

describe('pass-contract upstream', () => {
  it('exits 1 on a difference not waived, 0 once every one is, and writes its report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'upstream-'));
    const t = io();
    expect(await main(['upstream', adobe, '--ours', ours, '--waivers', join(dir, 'none.yaml')], t.io)).toBe(2);
    expect(t.err.join('\n')).toMatch(/cannot read waivers .*none\.yaml: ENOENT/);
    await writeFile(join(dir, 'empty.yaml'), 'waivers: []\n');
    const a = io();
    expect(await main(['upstream', adobe, '--ours', ours, '--waivers', join(dir, 'empty.yaml'), '--report', dir], a.io)).toBe(1);
    expect(a.out.join('\n')).toMatch(/^## Adobe's published OpenAPI vs ours: 12 new differences ❌/);
    expect((await readdir(dir)).sort()).toEqual(['empty.yaml', 'upstream.json', 'upstream.md']);
    await writeFile(join(dir, 'all.yaml'), 'waivers:\n  - { what: "*", why: everything is known }\n');
    const b = io();
    expect(await main(['upstream', adobe, '--ours', ours, '--waivers', join(dir, 'all.yaml'), '--format', 'json'], b.io)).toBe(0);
    expect(JSON.parse(b.out.join('\n')).counts).toEqual({ new: 0, waived: 12, stale: 0 });
  });
});
