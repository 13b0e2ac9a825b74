// Derives the docs-only copy of the bundled description: our overview as info.description, request samples as x-codeSamples.
import { listOperations, type Json, type JsonObject, type OpenApiDocument } from '../../src/description/document.ts';
import { codeSamples } from './code-samples.ts';
import { renderOverview } from './overview.ts';

export interface DocsInputs {
  /** The markdown template of the overview (docs/overview.md). */
  template: string;
  /** The markdown of openapi/ERRATA.md. */
  errata: string;
  /** The Arazzo workflows (workflows/adobe-pass.arazzo.yaml) as YAML text. */
  workflows?: string;
}

/** The host the raw request samples address: the first server, Adobe's production. */
export function sampleHost(doc: OpenApiDocument): string {
  const url = ((doc.servers ?? []) as { url?: string }[])[0]?.url;
  if (!url) throw new Error('The description has no server to address the request samples to');
  return new URL(url).host;
}

/** Never mutates `doc`: the bundle stays the published artefact, this copy only feeds Redoc. */
export function docsDescription(doc: OpenApiDocument, { template, errata, workflows }: DocsInputs): OpenApiDocument {
  const copy = structuredClone(doc);
  const operations = listOperations(copy);
  const host = sampleHost(copy);
  for (const op of operations) {
    const samples = codeSamples(op, host);
    // `op.node` is the operation object inside `copy`, so this writes into the copy.
    if (samples.length) op.node['x-codeSamples'] = samples as unknown as Json;
  }
  const info = (copy.info ?? {}) as JsonObject;
  copy.info = { ...info, description: renderOverview(template, { doc: copy, operations, errata, ...(workflows !== undefined ? { workflows } : {}) }) };
  return copy;
}
