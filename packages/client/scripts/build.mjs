// Builds the client package: tsc to dist/, then the files tsc does not emit (the generated types,
// the bundled description) and the licence, all taken from the repository.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(pkg, '..', '..');
const tsc = createRequire(join(repo, 'package.json')).resolve('typescript/bin/tsc');

rmSync(join(pkg, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(pkg, 'tsconfig.build.json')], { stdio: 'inherit' });
mkdirSync(join(pkg, 'dist', 'generated'), { recursive: true });
copyFileSync(join(pkg, 'generated', 'schema.d.ts'), join(pkg, 'dist', 'generated', 'schema.d.ts'));
copyFileSync(join(repo, 'generated', 'openapi.json'), join(pkg, 'dist', 'openapi.json'));
copyFileSync(join(repo, 'LICENSE'), join(pkg, 'LICENSE'));
// The bundled description carries Adobe's documented samples: keep Adobe's notice beside it.
copyFileSync(join(repo, 'reference', 'LICENSE-adobe-docs.md'), join(pkg, 'LICENSE-adobe-docs.md'));
