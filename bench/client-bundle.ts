// Measures the browser bundle of the client core (used by the package test and the benchmark).
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { join, relative } from 'node:path';
import { projectRoot } from '../src/description/document.ts';

export interface ClientBundle {
  /** The bundle itself (an ES module), as an app would serve it. */
  code: string;
  bytes: number;
  gzipBytes: number;
  /** Source files that ended up in the bundle, relative to the project root. */
  inputs: string[];
}

/** Bundles packages/client/src/index.ts for browsers (minified ESM), the way an app's bundler would. */
export async function bundleClient(): Promise<ClientBundle> {
  const result = await build({
    entryPoints: [join(projectRoot, 'packages/client/src/index.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return {
    code: result.outputFiles[0]!.text,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    inputs: Object.keys(result.metafile.inputs).map((p) => relative(projectRoot, join(process.cwd(), p))),
  };
}
