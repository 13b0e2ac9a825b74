// Bundles a TypeScript entry (with the client's source) into one .mjs that `node` runs without a
// loader, so tests can start many child processes quickly.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'pass-client-bundles-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const built = new Map<string, Promise<string>>();

export function bundleScript(entry: string): Promise<string> {
  let out = built.get(entry);
  if (!out) {
    const file = join(dir, `${basename(entry, '.ts')}.mjs`);
    // A CommonJS dependency's require('fs') and __filename need them defined in the ES module the bundle is.
    const banner = { js: "import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __filename.replace(/[\\/][^\\/]*$/, '');" };
    out = build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: file, logLevel: 'silent', banner }).then(() => file);
    built.set(entry, out);
  }
  return out;
}
