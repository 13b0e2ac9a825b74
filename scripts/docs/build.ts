// Builds the offline docs page: derived description → `redocly build-docs --inlineBundle` → offline rewrite → generated/docs/index.html.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { bundledDescriptionPath, listOperations, loadBundledDescription, projectRoot, type OpenApiDocument } from '../../src/description/document.ts';
import { codeSampleLanguages } from './code-samples.ts';
import { docsDescription } from './docs-description.ts';
import { makeOffline } from './offline.ts';

export interface BuildDocsOptions {
  /** The bundled description (default generated/openapi.json). */
  description?: string;
  /** Where index.html goes (default generated/docs/). */
  outDir?: string;
  template?: string;
  errata?: string;
}

export interface BuildDocsResult {
  file: string;
  bytes: number;
  operations: number;
  codeSamples: number;
}

export const defaultDocsDir = join(projectRoot, 'generated', 'docs');
const redocly = join(projectRoot, 'node_modules', '.bin', 'redocly');
/** Redocly's default page template plus our favicon link and layout CSS (why: comments in the file). */
export const pageTemplate = join(projectRoot, 'scripts', 'docs', 'page.hbs');

/**
 * The page's icon, inline: without a <link rel="icon"> a browser asks the server for
 * /favicon.ico, which the static page does not have (a 404 in every fresh browser).
 */
export const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0f766e"/>'
  + '<path d="M9 16.5l4.5 4.5L23 11" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/></svg>',
)}`;

/**
 * Redocly reads redocly.yaml from the working directory; ours carries lint rules and plugins that
 * have nothing to do with rendering. The build runs in a scratch directory with this config
 * instead, so the page depends only on the description and these Redoc options.
 */
export function redoclyDocsConfig(doc: OpenApiDocument): string {
  const openapi = { disableTelemetry: true, codeSamples: { languages: codeSampleLanguages(doc) } };
  return `# Written by scripts/docs/build.ts for one docs build.\n${stringify({ openapi })}`;
}

export function buildDocs(options: BuildDocsOptions = {}): BuildDocsResult {
  const description = options.description ?? bundledDescriptionPath;
  const outDir = options.outDir ?? defaultDocsDir;
  if (!existsSync(description)) {
    throw new Error(`The bundled description ${description} is missing; run \`npm run generate\` first, then build the docs.`);
  }
  const doc = docsDescription(loadBundledDescription(description), {
    template: readFileSync(options.template ?? join(projectRoot, 'docs', 'overview.md'), 'utf8'),
    errata: readFileSync(options.errata ?? join(projectRoot, 'openapi', 'ERRATA.md'), 'utf8'),
    workflows: readFileSync(join(projectRoot, 'workflows', 'adobe-pass.arazzo.yaml'), 'utf8'),
  });

  const scratch = mkdtempSync(join(tmpdir(), 'pass-docs-'));
  try {
    const input = join(scratch, 'openapi.docs.json');
    const html = join(scratch, 'index.html');
    writeFileSync(input, `${JSON.stringify(doc, null, 2)}\n`);
    writeFileSync(join(scratch, 'redocly.yaml'), redoclyDocsConfig(doc));
    try {
      execFileSync(redocly, ['build-docs', input, '--output', html, '--inlineBundle', '--template', pageTemplate,
        `--templateOptions.favicon=${FAVICON}`, '--config', join(scratch, 'redocly.yaml'), '--lint-config', 'off'], {
        cwd: scratch,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const e = error as { stdout?: Buffer; stderr?: Buffer; message: string };
      throw new Error(`redocly build-docs failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
    const page = makeOffline(readFileSync(html, 'utf8'));
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, 'index.html');
    writeFileSync(file, page);
    const operations = listOperations(doc);
    return {
      file,
      bytes: Buffer.byteLength(page),
      operations: operations.length,
      codeSamples: operations.reduce((n, op) => n + ((op.node['x-codeSamples'] as unknown[] | undefined)?.length ?? 0), 0),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
