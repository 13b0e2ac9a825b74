#!/usr/bin/env node
// The `pass-contract` executable: only runs main(), so it works however it is launched (bin symlink, npx, node, tsx).
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
