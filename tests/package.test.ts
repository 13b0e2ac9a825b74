// Each published package declares what its code needs at run time, and pins it.
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/description/document.ts';

interface PackageJson { name: string; dependencies: Record<string, string>; devDependencies?: Record<string, string> }
const readPkg = (dir: string) => JSON.parse(readFileSync(join(projectRoot, dir, 'package.json'), 'utf8')) as PackageJson;
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
const packageOf = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);

/** Packages imported at run time (not `import type`) by the .ts files under `dir`. */
function imported(dir: string): string[] {
  const names = new Set<string>();
  for (const file of walk(join(projectRoot, dir))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export) (?!type )[^;]*? from '([^.'][^']*)'/gm)) {
      const name = packageOf(m[1]!);
      if (!name.startsWith('node:') && !builtinModules.includes(name)) names.add(name);
    }
  }
  return [...names].sort();
}

describe.each([
  { dir: '.', src: 'src' },
  { dir: 'packages/client', src: 'packages/client/src' },
])('package.json of $dir', ({ dir, src }) => {
  const pkg = readPkg(dir);

  it('lists every package its source imports at run time under dependencies (not devDependencies)', () => {
    const names = imported(src);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });

  it('pins every version exactly', () => {
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('pass-contract-client', () => {
  it('depends on openapi-fetch only', () => {
    expect(Object.keys(readPkg('packages/client').dependencies)).toEqual(['openapi-fetch']);
  });

  it('has the version the tools package pins', () => {
    expect(readPkg('.').dependencies['pass-contract-client']).toBe((readPkg('packages/client') as unknown as { version: string }).version);
  });
});
