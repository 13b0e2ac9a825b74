#!/usr/bin/env node
// `npm start`, `npm run mock`, `npm run proxy`: the pass-contract CLI from dist/ when it is fresh
// (≈ 0.3 s less CPU than tsx, which starts a second Node process and compiles on the fly), else
// from src/ through tsx, so an edit is never run stale. Set PASS_CONTRACT_FROM=src to force src/.
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chooseEntry } from './launcher.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const choice = process.env.PASS_CONTRACT_FROM === 'src' ? { kind: 'src', entry: `${root}/src/cli/bin.ts` } : chooseEntry(root);
if (choice.kind === 'src') {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(pathToFileURL(choice.entry).href);
