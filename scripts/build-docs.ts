// CLI: builds the offline Redoc page generated/docs/index.html (`npm run docs`); see scripts/docs/build.ts.
import { relative } from 'node:path';
import { buildDocs } from './docs/build.ts';

try {
  const result = buildDocs();
  console.log(`docs: ${relative(process.cwd(), result.file)} (${result.bytes} bytes, ${result.operations} operations, ${result.codeSamples} request samples)`);
} catch (error) {
  console.error(`docs: ${(error as Error).message}`);
  process.exit(1);
}
