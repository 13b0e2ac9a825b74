// CLI: serves generated/docs/ on 127.0.0.1 (`npm run docs:serve [port]`, or PORT; default 8080).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDocsDir } from './docs/build.ts';
import { serveDocs } from './docs/serve.ts';

const raw = process.argv[2] ?? process.env.PORT ?? '8080';
const port = Number(raw);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`docs:serve: "${raw}" is not a port number`);
  process.exit(2);
}
if (!existsSync(join(defaultDocsDir, 'index.html'))) {
  console.error('docs:serve: generated/docs/index.html is missing; run `npm run docs` first.');
  process.exit(1);
}
const { url } = await serveDocs(defaultDocsDir, port);
console.log(`docs: serving generated/docs/ at ${url} (Ctrl+C to stop)`);
