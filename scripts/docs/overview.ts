// Renders the docs overview: the hand-written template with flow, headers, error codes and errata filled from data.
import { parse } from 'yaml';
import { deref, pointerSegment, type Json, type JsonObject, type OpenApiDocument, type Operation } from '../../src/description/document.ts';

export interface OverviewSources {
  doc: OpenApiDocument;
  operations: Operation[];
  /** The markdown of openapi/ERRATA.md. */
  errata: string;
  /** The Arazzo document of the cookbook's flows (workflows/adobe-pass.arazzo.yaml), as YAML text. */
  workflows?: string;
}

/** Where the workflows live in the repository (the docs page links there: it ships no YAML). */
export const WORKFLOWS_URL = 'https://github.com/pass-contract/pass-contract/blob/main/workflows/adobe-pass.arazzo.yaml';

interface TagGroup {
  name: string;
  tags: string[];
}

/** An `x-error-catalog` entry as the docs show it (statuses joined, missing cells as "—"). */
interface CatalogEntry {
  code: string;
  status: string;
  action: string;
  message: string;
}

/** An entry as the description holds it: codes only Adobe's published OpenAPI lists may lack a status, action or message. */
interface SourceEntry {
  code: string;
  status?: number | number[];
  action?: string;
  message?: string;
  source?: string;
}

/**
 * Redoc 3's route for a sidebar item: it slugifies tag names and operationIds and lower-cases
 * them (`Partner single sign-on` → `partner-single-sign-on`). The browser test checks that our
 * links are exactly the sidebar's routes, so a Redoc upgrade that changes the scheme fails there.
 */
export const redocSlug = (name: string): string =>
  name.trim().toLowerCase().replace(/&/g, '-and-').replace(/[^a-z0-9\s_.~-]/g, '').replace(/\s+/g, '-').replace(/-+/g, '-');

export const operationRoute = (tag: string, operationId: string): string => `#/${redocSlug(tag)}/${redocSlug(operationId)}`;

/** Markdown paragraphs of the description are hard-wrapped; list items and table cells need one line. */
const oneLine = (text: Json | undefined): string => String(text ?? '').trim().replace(/\s*\n\s*/g, ' ');
const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');

export function tagGroups(doc: OpenApiDocument): TagGroup[] {
  const groups = doc['x-tagGroups'] as unknown as TagGroup[] | undefined;
  if (!groups?.length) throw new Error('The description has no x-tagGroups; the overview follows their order.');
  return groups;
}

/**
 * Operations as Redoc's sidebar lists them within a tag: paths in document order, then methods in
 * the order the path item writes them (listOperations walks methods in a fixed order instead).
 */
export function inDocumentOrder(doc: OpenApiDocument, operations: Operation[]): Operation[] {
  const paths = Object.keys(doc.paths);
  const rank = (op: Operation): [number, number] => {
    const item = deref<JsonObject>(doc, doc.paths[op.path] ?? null, `#/paths/${pointerSegment(op.path)}`).node;
    return [paths.indexOf(op.path), Object.keys(item).indexOf(op.method)];
  };
  return [...operations].sort((a, b) => {
    const [pa, ma] = rank(a);
    const [pb, mb] = rank(b);
    return pa - pb || ma - mb;
  });
}

/** One numbered step per tag, in x-tagGroups order (the cookbook's flow), each linking to its operations. */
export function renderPhases(doc: OpenApiDocument, operations: Operation[]): string {
  const tags = new Map(((doc.tags ?? []) as JsonObject[]).map((t) => [String(t.name), t]));
  const ordered = inDocumentOrder(doc, operations);
  const steps: string[] = [];
  for (const group of tagGroups(doc)) {
    for (const tag of group.tags) {
      const ops = ordered.filter((op) => ((op.node.tags as string[] | undefined) ?? [])[0] === tag);
      if (!ops.length) throw new Error(`Tag "${tag}" of x-tagGroups has no operation`);
      const number = `${steps.length + 1}. `;
      const indent = ' '.repeat(number.length);
      const links = ops.map((op) =>
        `${indent}- [${oneLine(op.node.summary) || op.operationId}](${operationRoute(tag, op.operationId)}) — \`${op.method.toUpperCase()} ${op.path}\``);
      steps.push([`${number}**${tag}** (${group.name}) — ${oneLine(tags.get(tag)?.description)}`, ...links].join('\n'));
    }
  }
  return steps.join('\n');
}

interface ArazzoWorkflow {
  workflowId: string;
  summary?: string;
  dependsOn?: string[];
  /** `x-operation` is Respect's step that calls a URL outside the description (the user agent's sign-in). */
  steps: { stepId: string; operationId?: string; workflowId?: string; 'x-operation'?: { method?: string } }[];
}

/**
 * One bullet per Arazzo workflow, in the file's order: its id, summary, and each step's operation
 * linked to its section; a user-agent step (Respect's `x-operation`) is named, not linked. A step
 * that names no described operation, or a workflow without steps, is an error, so the page cannot
 * link to nothing.
 */
export function renderWorkflows(yamlText: string, doc: OpenApiDocument, operations: Operation[]): string {
  const arazzo = parse(yamlText) as { arazzo?: string; workflows?: ArazzoWorkflow[] };
  if (!arazzo.arazzo || !arazzo.workflows?.length) throw new Error('The workflows file is not an Arazzo document with workflows');
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  tagGroups(doc);
  return arazzo.workflows.map((w) => {
    if (!w.steps?.length) throw new Error(`Workflow ${w.workflowId} has no steps`);
    const links = w.steps.map((step) => {
      if (step.workflowId) return `\`${step.workflowId}\``;
      if (step['x-operation']) return `*${step.stepId}* (user agent)`;
      const op = byId.get(step.operationId ?? '');
      if (!op) throw new Error(`Workflow ${w.workflowId}, step ${step.stepId}: no described operation "${step.operationId ?? ''}"`);
      return `[${op.operationId}](${operationRoute((op.node.tags as string[])[0]!, op.operationId)})`;
    });
    const after = w.dependsOn?.length ? ` (after ${w.dependsOn.map((d) => `\`${d}\``).join(', ')})` : '';
    return `- [\`${w.workflowId}\`](${WORKFLOWS_URL})${after} — ${oneLine(w.summary)}<br>Steps: ${links.join(' → ')}`;
  }).join('\n');
}

/**
 * One bullet per header named in the template: a security scheme (the bearer token) or a header
 * parameter component. Name and description come from the description; the counts from the operations.
 */
export function renderHeaders(doc: OpenApiDocument, operations: Operation[], names: string[]): string {
  const parameters = (doc.components.parameters ?? {}) as Record<string, JsonObject>;
  const schemes = (doc.components.securitySchemes ?? {}) as Record<string, JsonObject>;
  const total = operations.length;
  return names.map((name) => {
    const scheme = schemes[name];
    if (scheme) {
      if (scheme.type !== 'http' || scheme.scheme !== 'bearer') throw new Error(`Security scheme "${name}" is not an HTTP bearer scheme`);
      const count = operations.filter((op) => op.needsAccessToken).length;
      return `- **\`Authorization: Bearer <access token>\`** — required on ${count} of ${total} operations. ${oneLine(scheme.description)}`;
    }
    const parameter = parameters[name];
    if (!parameter || parameter.in !== 'header') throw new Error(`"${name}" is neither a security scheme nor a header parameter in components`);
    const header = String(parameter.name);
    const uses = operations.map((op) => op.parameters.find((p) => p.in === 'header' && p.name.toLowerCase() === header.toLowerCase()));
    const required = uses.filter((p) => p?.required).length;
    const optional = uses.filter((p) => p && !p.required).length;
    const where = required
      ? `required on ${required} of ${total} operations${optional ? `, optional on ${optional}` : ''}`
      : `optional on ${optional} of ${total} operations`;
    return `- **\`${header}\`** — ${where}. ${oneLine(parameter.description)}`;
  }).join('\n');
}

export function errorCatalog(doc: OpenApiDocument): CatalogEntry[] {
  const schema = ((doc.components.schemas ?? {}) as Record<string, JsonObject>).ErrorCode;
  const catalog = schema?.['x-error-catalog'] as unknown as SourceEntry[] | undefined;
  if (!catalog?.length) throw new Error('components.schemas.ErrorCode has no x-error-catalog');
  return catalog.map((e) => ({
    code: e.code,
    status: e.status === undefined ? '—' : [e.status].flat().join(', '),
    action: e.action ?? '—',
    message: e.source === undefined ? e.message ?? ''
      : `${e.message ?? 'No page documents this code.'} (In Adobe's published OpenAPI, not on the REST API V2 pages.)`,
  }));
}

/** The values of `ErrorAction` with their descriptions. */
export function renderErrorActions(doc: OpenApiDocument): string {
  const schema = ((doc.components.schemas ?? {}) as Record<string, JsonObject>).ErrorAction;
  const values = (schema?.oneOf ?? []) as JsonObject[];
  if (!values.length) throw new Error('components.schemas.ErrorAction has no oneOf values');
  return values.map((v) => `- \`${String(v.const)}\` — ${oneLine(v.description)}`).join('\n');
}

/**
 * Each code shares the first column with its message (code, line break, message): the codes are
 * long snake_case words that must not break mid-word, and the message wraps beside the short
 * Status and Action columns. A code may break after an underscore (`<wbr>`, which copying leaves
 * out) where the page is too narrow for it (page.hbs keeps it on one line on a wide screen), so that
 * on a phone the table fits instead of scrolling sideways in a box a keyboard cannot reach.
 */
export function renderErrorTable(doc: OpenApiDocument): string {
  // Status and action stay plain text: they are short and the columns narrow.
  const rows = errorCatalog(doc).map((e) => `| <code>${e.code.replaceAll('_', '_<wbr>')}</code><br>${cell(oneLine(e.message))} | ${e.status} | ${e.action} |`);
  return ['| Code and message | Status | Action |', '| --- | --- | --- |', ...rows].join('\n');
}

/**
 * ERRATA.md under our own `# Errata` heading: its title is dropped and its headings move one
 * level down, so the sidebar gets one Errata entry with the file's sections inside. Redoc cuts a
 * sidebar label at its first code span, so a heading's parenthesised page paths move to a
 * "Pages:" line under it (`## Logout (\`…logout.md\`)` → `### Logout` + `*Pages: \`…logout.md\`*`).
 */
export function renderErrata(markdown: string): string {
  let fenced = false;
  const lines: string[] = [];
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^(#{1,5}) (.*)$/.exec(line);
    if (!heading) {
      lines.push(line);
      continue;
    }
    const [, hashes = '', text = ''] = heading;
    if (hashes === '#' && !lines.some((l) => l.trim())) continue;
    const pages = [...text.matchAll(/\s*\(([^()]*`[^()]*)\)/g)].map((m) => m[1]);
    const title = text.replace(/\s*\(([^()]*`[^()]*)\)/g, '').replace(/\s+/g, ' ').trim();
    lines.push(`#${hashes} ${title}`);
    if (pages.length) lines.push('', `*Pages: ${pages.join('; ')}*`);
  }
  return lines.join('\n').trim();
}

/**
 * Fills `{{name args…}}` placeholders. An unknown placeholder is an error, so a typo in the
 * template cannot ship as literal braces.
 */
export function renderOverview(template: string, { doc, operations, errata, workflows }: OverviewSources): string {
  const fillers: Record<string, (args: string[]) => string> = {
    phases: () => renderPhases(doc, operations),
    headers: (args) => renderHeaders(doc, operations, args),
    errorActions: () => renderErrorActions(doc),
    errorCodes: () => renderErrorTable(doc),
    errorCount: () => String(errorCatalog(doc).length),
    operationCount: () => String(operations.length),
    errata: () => renderErrata(errata),
    workflows: () => {
      if (workflows === undefined) throw new Error('The overview template asks for {{workflows}} but no workflows file was given');
      return renderWorkflows(workflows, doc, operations);
    },
  };
  // The template's first line says what the file is for; it is not part of the page.
  const body = template.replace(/^<!--[\s\S]*?-->\s*/, '');
  const placeholder = /\{\{\s*(\w+)((?:\s+[\w-]+)*)\s*\}\}/g;
  const malformed = /\{\{[^}]*\}\}/.exec(body.replace(placeholder, ''));
  if (malformed) throw new Error(`Malformed placeholder ${malformed[0]} in the overview template`);
  const filled = body.replace(placeholder, (_, name: string, args: string) => {
    const fill = fillers[name];
    if (!fill) throw new Error(`Unknown placeholder {{${name}}} in the overview template`);
    return fill(args.trim().split(/\s+/).filter(Boolean));
  });
  return `${filled.trim()}\n`;
}
