// Regenerates generated/ from openapi/: bundled description (YAML, JSON) and TypeScript types.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const quietEnv = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };

function run(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { cwd: root, env: quietEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** Writes every generated artefact into `outDir` (default `generated/`). */
export function generate(outDir = join(root, 'generated'), { types = true } = {}): string[] {
  mkdirSync(outDir, { recursive: true });
  const yamlOut = join(outDir, 'openapi.yaml');
  const jsonOut = join(outDir, 'openapi.json');
  run(bin('redocly'), ['bundle', 'main', '--output', yamlOut]);
  run(bin('redocly'), ['bundle', 'main', '--output', jsonOut]);
  if (!types) return ['openapi.yaml', 'openapi.json'];
  // openapi-typescript reads redocly.yaml and would re-lint with our strict rules; hand it a
  // minimal config instead (see ../shared/TOOLCHAIN.md).
  const minimalConfig = join(outDir, '.openapi-typescript.redocly.yaml');
  writeFileSync(minimalConfig, 'extends: []\n');
  try {
    run(bin('openapi-typescript'), [yamlOut, '--output', join(outDir, 'schema.d.ts'), '--redocly', minimalConfig]);
  } finally {
    execFileSync('rm', ['-f', minimalConfig]);
  }
  return ['openapi.yaml', 'openapi.json', 'schema.d.ts'];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outArg = args.find((a) => !a.startsWith('--'));
  const files = generate(outArg ? resolve(outArg) : undefined, { types: !args.includes('--bundle-only') });
  console.log(`generated ${files.join(', ')}`);
}
