// The one-way dependencies between src/ folders, read from the import statements themselves (by
// TypeScript's own parser): one explicit table says, for every folder, which src/ folders it may
// import, and a second which folders may use the packages that shape layering. The top layer (the
// CLI and the library entries in src/*.ts) wires the layers together; nothing below it imports it.
// Also: what the CLI's entry points load eagerly, so lazy loading cannot silently regress.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const CLIENT = join(ROOT, 'packages', 'client');

/** The top layer may import any folder. `.` is src/'s own files (index.ts, check.ts: the library entries). */
const ANY = '*';

/**
 * For each src/ folder, the src/ folders its files may import (its own folder always). A folder
 * missing here fails the test: a new folder takes its place in the layering on purpose.
 */
const MAY_IMPORT: Record<string, readonly string[] | typeof ANY> = {
  // Leaves: shared HTTP plumbing (bounded exchange, body reader, listen/close) and report writers.
  http: [],
  report: [],
  // Bounded reads of the files a user names (descriptions, scenarios, waivers, accepted drift).
  files: [],
  // The loaded, compiled description: the object every layer above receives.
  description: ['http'],
  // Prism, loaded once for the mock.
  prism: ['description'],
  // Siblings over the description: none imports another; the top layer starts them and passes the description down.
  mock: ['description', 'http', 'prism', 'report'],
  simulator: ['description', 'files', 'http', 'report'],
  contract: ['description', 'files', 'http', 'report'],
  // The drift proxy checks live traffic with the contract's response checker.
  proxy: ['contract', 'description', 'http', 'report'],
  diff: ['description', 'files', 'http', 'report'],
  audit: ['description', 'http', 'report'],
  // The top layer: commands and library entries wire the layers together.
  cli: ANY,
  '.': ANY,
};

/**
 * Packages that shape the layering, and the only folders that may import them (a `/`-ended name is
 * a scope). Everything else from npm is free to use where it is needed.
 */
const PACKAGE_USERS: Record<string, readonly string[]> = {
  // The client is its own package; the tools use it by name (http's exchange shares its abortable
  // wait and blocked-port message, the report writers its mkdir -p).
  'pass-contract-client': ['http', 'report', 'contract', 'mock', 'simulator', 'cli', '.'],
  '@stoplight/': ['prism', 'mock'],
  commander: ['cli'],
};

/** The tools a command starts, each loaded on demand: Prism and the mock, the simulator, the proxy, diff and audit. */
const ON_DEMAND = ['src/mock/', 'src/prism/', 'src/simulator/', 'src/proxy/', 'src/diff/', 'src/audit/', '@stoplight/'] as const;

/**
 * What each entry point may not load eagerly (static, non-type imports, followed through src/):
 * prefixes of the src/ files and the packages it reaches.
 */
const EAGER_FORBIDDEN: Record<string, readonly string[]> = {
  // `pass-contract` itself: every command module is loaded on demand.
  'cli/main.ts': ON_DEMAND,
  // `check` (`npm start`) against a remote host loads neither Prism nor the simulator, and no other tool.
  'cli/commands/check.ts': ON_DEMAND,
  'check.ts': ON_DEMAND,
  // `pass-contract mock` (and `--help`, which loads every command module) load the mock when it runs;
  // the mock itself answers from the description and loads nothing of the client (its start-up is measured).
  'cli/commands/mock.ts': [...ON_DEMAND, 'pass-contract-client'],
  'mock/server.ts': ['pass-contract-client'],
};

/** The src/ folder of a path under src/ (`.` for src/'s own files), or undefined outside src/. */
function folderOf(path: string): string | undefined {
  const rel = relative(SRC, path);
  if (rel.startsWith('..') || rel === '') return undefined;
  return rel.includes(sep) ? rel.split(sep)[0]! : '.';
}

const usesPackage = (specifier: string, pkg: string) => (pkg.endsWith('/') ? specifier.startsWith(pkg) : specifier === pkg || specifier.startsWith(`${pkg}/`));

/** Every import of one file (static, dynamic, type-only and re-exports alike) that breaks the tables. */
function violations(path: string, text: string): string[] {
  const from = folderOf(path);
  if (from === undefined) throw new Error(`${path} is not under src/`);
  const file = relative(ROOT, path);
  const allowed = MAY_IMPORT[from];
  if (allowed === undefined) return [`${file}: src/${from} has no row in the layer table (tests/layers.test.ts)`];
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.flatMap(({ fileName: spec }) => {
    if (!spec.startsWith('.')) {
      const rule = Object.entries(PACKAGE_USERS).find(([pkg]) => usesPackage(spec, pkg));
      return rule && !rule[1].includes(from) ? [`${file} imports '${spec}', which only ${rule[1].map((f) => `src/${f}`).join(', ')} may use`] : [];
    }
    const to = folderOf(resolve(dirname(path), spec));
    if (to === undefined) return [`${file} imports '${spec}', outside src/ (the client is imported as 'pass-contract-client')`];
    if (to === from || allowed === ANY || allowed.includes(to)) return [];
    return [`${file} imports '${spec}' (src/${to}), which src/${from} may not import (it may import: ${allowed.map((f) => `src/${f}`).join(', ') || 'nothing in src/'})`];
  });
}

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));

/**
 * The specifiers a file loads when it is loaded: static imports and re-exports that survive
 * compilation (not `import type`, not all-`type` braces, not `import()`). Imports used only as types
 * without the `type` marker are counted too: an over-count fails loudly, never silently.
 */
function eagerSpecifiers(text: string): string[] {
  const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, false);
  const specs: string[] = [];
  for (const s of source.statements) {
    if (ts.isImportDeclaration(s)) {
      const clause = s.importClause;
      const onlyTypes = clause && (clause.isTypeOnly || (!clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!onlyTypes) specs.push((s.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(s) && s.moduleSpecifier) {
      const onlyTypes = s.isTypeOnly || (s.exportClause && ts.isNamedExports(s.exportClause) && s.exportClause.elements.length > 0 && s.exportClause.elements.every((e) => e.isTypeOnly));
      if (!onlyTypes) specs.push((s.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specs;
}

/** The files under src/ and the packages an entry loads eagerly, followed through src/. */
function eagerClosure(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (path: string) => {
    if (files.has(path)) return;
    if (!existsSync(path)) throw new Error(`cannot follow an import to ${relative(ROOT, path)}`);
    files.add(path);
    for (const spec of eagerSpecifiers(readFileSync(path, 'utf8'))) {
      if (spec.startsWith('.')) visit(resolve(dirname(path), spec));
      else packages.add(spec);
    }
  };
  visit(join(SRC, entry));
  return { files: [...files].map((f) => relative(SRC, f)), packages: [...packages] };
}

describe('src/ dependencies', () => {
  const files = tsFiles(SRC);

  it('reads real imports (the check is not vacuous)', () => {
    const edges = files.flatMap((f) => ts.preProcessFile(readFileSync(f, 'utf8'), true, true).importedFiles);
    expect(edges.length).toBeGreaterThan(200);
    // A file that imports a sibling's server, wherever it sits, is named with the import.
    expect(violations(join(SRC, 'contract', 'x.ts'), "import { startMock } from '../mock/server.ts';")).toEqual([
      "src/contract/x.ts imports '../mock/server.ts' (src/mock), which src/contract may not import (it may import: src/description, src/files, src/http, src/report)",
    ]);
    expect(violations(join(SRC, 'contract', 'x.ts'), "const { startSimulator } = await import('../simulator/server.ts');")).toHaveLength(1);
    expect(violations(join(SRC, 'simulator', 'x.ts'), "import type { Target } from '../contract/target.ts';")).toHaveLength(1);
    expect(violations(join(SRC, 'http', 'x.ts'), "export * from '../description/index.ts';")).toHaveLength(1);
    expect(violations(join(SRC, 'description', 'x.ts'), "import { main } from '../index.ts';")).toHaveLength(1);
    expect(violations(join(SRC, 'mock', 'x.ts'), "import { Command } from 'commander';")).toEqual(["src/mock/x.ts imports 'commander', which only src/cli may use"]);
    expect(violations(join(SRC, 'contract', 'x.ts'), "import type { IPrismDiagnostic } from '@stoplight/prism-core';")).toHaveLength(1);
    expect(violations(join(SRC, 'contract', 'x.ts'), "import { createClient } from '../../packages/client/src/index.ts';")).toHaveLength(1);
    expect(violations(join(SRC, 'newfolder', 'x.ts'), "import { x } from '../http/body.ts';")).toEqual(['src/newfolder/x.ts: src/newfolder has no row in the layer table (tests/layers.test.ts)']);
    // What is allowed stays allowed: the table is not a blanket ban.
    expect(violations(join(SRC, 'proxy', 'x.ts'), "import { ResponseChecker } from '../contract/check-response.ts';")).toEqual([]);
    expect(violations(join(SRC, 'cli', 'commands', 'x.ts'), "import { startMock } from '../../mock/server.ts';")).toEqual([]);
  });

  it('every src/ folder has a row in the layer table', () => {
    const folders = [...new Set(files.map((f) => folderOf(f)!))];
    expect(folders.filter((f) => !(f in MAY_IMPORT))).toEqual([]);
  });

  it('every import follows the layer table', () => {
    expect(files.flatMap((f) => violations(f, readFileSync(f, 'utf8')))).toEqual([]);
  });
});

describe('the client package', () => {
  it('imports nothing outside packages/client but openapi-fetch and Node built-ins', () => {
    const files = tsFiles(join(CLIENT, 'src'));
    expect(files.length).toBeGreaterThan(10);
    const bad = files.flatMap((path) =>
      ts.preProcessFile(readFileSync(path, 'utf8'), true, true).importedFiles
        .map((i) => i.fileName)
        .filter((spec) => (spec.startsWith('.') ? relative(CLIENT, resolve(dirname(path), spec)).startsWith('..') : spec !== 'openapi-fetch' && !spec.startsWith('node:')))
        .map((spec) => `${relative(ROOT, path)} imports '${spec}'`),
    );
    expect(bad).toEqual([]);
  });
});

describe('lazy loading: what entry points load eagerly', () => {
  it('follows real imports (the closure is not empty)', () => {
    const { files, packages } = eagerClosure('cli/commands/check.ts');
    expect(files).toContain(join('contract', 'check.ts'));
    expect(files).toContain(join('description', 'index.ts'));
    expect(packages).toContain('commander');
    // And would see a mock loaded through the simulator target's module, were it static.
    expect(eagerClosure('simulator/target.ts').files).toContain(join('simulator', 'server.ts'));
  });

  it.each(Object.entries(EAGER_FORBIDDEN))('src/%s loads none of what it starts on demand', (entry, forbidden) => {
    const { files, packages } = eagerClosure(entry);
    const loaded = [...files.map((f) => `src/${f.split(sep).join('/')}`), ...packages];
    expect(loaded.filter((f) => forbidden.some((prefix) => f.startsWith(prefix)))).toEqual([]);
  });
});
