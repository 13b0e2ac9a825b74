// Decides how the repository's npm scripts run the pass-contract CLI: from the compiled dist/ when it
// is at least as new as every source file it is built from, else from src/ through tsx. Plain
// JavaScript, so choosing costs a few stat calls and no TypeScript loader.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What each compiled output is built from (paths relative to the repository root). */
export const BUILDS = [
  { output: 'dist/src/cli/bin.js', sources: ['src', 'tsconfig.json', 'tsconfig.build.json'] },
  { output: 'packages/client/dist/src/index.js', sources: ['packages/client/src', 'packages/client/generated', 'packages/client/tsconfig.build.json', 'tsconfig.json'] },
];

/** Newest modification time (ms) of a file, or of any file below a folder; 0 when absent. */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

/**
 * `{ kind: 'dist', entry }` when every build output exists and is newer than its sources, else
 * `{ kind: 'src', entry, reason }` (the TypeScript entry, to run through tsx).
 */
export function chooseEntry(root) {
  for (const build of BUILDS) {
    const output = newest(join(root, build.output));
    if (output === 0) return { kind: 'src', entry: join(root, 'src/cli/bin.ts'), reason: `${build.output} is missing (npm run build)` };
    const stale = build.sources.find((source) => newest(join(root, source)) > output);
    if (stale) return { kind: 'src', entry: join(root, 'src/cli/bin.ts'), reason: `${stale} is newer than ${build.output} (npm run build)` };
  }
  return { kind: 'dist', entry: join(root, 'dist/src/cli/bin.js') };
}
