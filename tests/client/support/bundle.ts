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
    out = build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: file, logLevel: 'silent' }).then(() => file);
    built.set(entry, out);
  }
  return out;
}
