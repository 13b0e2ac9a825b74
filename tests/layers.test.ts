// The one-way dependencies between src/ modules, read from the import statements themselves (by
// TypeScript's own pre-processor): src/http is a leaf, the description depends on nothing but it,
// and the mock and the simulator, siblings over the description, never import each other.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', 'src');

/** Every .ts file under a src/ directory, with the src/ directories its relative imports land in. */
function importsOf(dir: string): { file: string; lands: string[] }[] {
  const files = readdirSync(join(SRC, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return files.map((f) => {
    const path = join(SRC, dir, f);
    const { importedFiles } = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
    const lands = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(SRC, resolve(dirname(path), name)).split(sep)[0]!)
      .filter((top) => top !== dir);
    return { file: `${dir}/${f}`, lands: [...new Set(lands)] };
  });
}

/** `file → module` for each import into one of `forbidden`. */
const crossings = (dir: string, forbidden: (top: string) => boolean) =>
  importsOf(dir).flatMap(({ file, lands }) => lands.filter(forbidden).map((top) => `${file} → src/${top}`));

describe('src/ dependencies', () => {
  it('finds imports at all (the check reads real files)', () => {
    expect(importsOf('simulator').some(({ lands }) => lands.includes('description'))).toBe(true);
  });

  it('src/http imports no other src/ module', () => {
    expect(crossings('http', () => true)).toEqual([]);
  });

  it('src/description imports only src/http', () => {
    expect(crossings('description', (top) => top !== 'http')).toEqual([]);
  });

  it('the mock and the simulator do not import each other', () => {
    expect(crossings('simulator', (top) => top === 'mock')).toEqual([]);
    expect(crossings('mock', (top) => top === 'simulator')).toEqual([]);
  });
});
