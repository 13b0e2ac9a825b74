// The description's error catalog: Adobe's REST API V2 list of enhanced error codes, then the codes only Adobe's published OpenAPI lists.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, type Json, type JsonObject } from '../../src/description/document.ts';
import { ADOBE_VERSION, adobeSchemas, adobeRest } from './adobe-openapi.ts';
import { doc, operations } from './fixture.ts';

interface CatalogEntry { code: string; status?: number | number[]; action?: string; message?: string; source?: string }
interface TableRow { code: string; status: number[]; action: string; message: string }

const page = readFileSync(join(projectRoot, 'reference/adobe-pass/features/enhanced-error-codes.md'), 'utf8');

/** Rows of one code table of Adobe's enhanced error codes page (the action cell spans the rows below it). */
function tableRows(section: string): TableRow[] {
  const rows: TableRow[] = [];
  let action = '';
  for (const line of section.split('\n')) {
    const m = /^\|\s*(?:\*\*([\w-]+)\*\*)?\s*\|\s*\*(\w+)\*\s*\|\s*([\d, ]+?)\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (!m) continue;
    action = m[1] ?? action;
    rows.push({ code: m[2]!, status: m[3]!.split(',').map((s) => Number(s.trim())), action, message: m[4]! });
  }
  return rows;
}

const v2Table = tableRows(page.split('{#enhanced-error-codes-lists-rest-api-v2}')[1]!.split('### (Legacy)')[0]!);
const v1Table = tableRows(page.split('{#enhanced-error-codes-lists-rest-api-v1}')[1]!.split('### (Legacy) SDKs')[0]!);
/** The `error` enumeration of a profile attribute: the only list of codes in Adobe's published OpenAPI. */
const publishedCodes = ((adobeSchemas(adobeRest).UserMetadataResponse!.properties as JsonObject).error as JsonObject).enum as string[];

const schemas = doc.components.schemas as JsonObject;
const errorCode = schemas.ErrorCode as JsonObject;
const catalog = errorCode['x-error-catalog'] as unknown as CatalogEntry[];
const fromDocs = catalog.filter((e) => e.source === undefined);
const fromPublished = catalog.filter((e) => e.source !== undefined);

describe('error catalog: the docs\' REST API V2 table', () => {
  it('parses non-empty REST API V2 and legacy v1 tables from the docs', () => {
    expect(v2Table.length).toBeGreaterThan(40);
    expect(v1Table.length).toBeGreaterThan(20);
    expect(v2Table.every((r) => r.status.length === 1)).toBe(true);
    console.info(`enhanced error codes: ${v2Table.length} in the docs' REST API V2 table, ${publishedCodes.length} in Adobe's published OpenAPI (${ADOBE_VERSION})`);
  });

  it('has exactly the documented REST API V2 codes, in the docs\' order, with their status, action and message', () => {
    expect(fromDocs).toEqual(v2Table.map((r) => ({ code: r.code, status: r.status[0], action: r.action, message: r.message })));
  });

  it('lists the documented codes first', () => {
    expect(catalog.slice(0, fromDocs.length)).toEqual(fromDocs);
  });
});

describe('error catalog: codes only in Adobe\'s published OpenAPI', () => {
  it('are exactly the published codes the docs\' REST API V2 table lacks, in Adobe\'s order, marked as such', () => {
    const documented = new Set(v2Table.map((r) => r.code));
    expect(fromPublished.map((e) => e.code)).toEqual(publishedCodes.filter((c) => !documented.has(c)));
    expect(new Set(fromPublished.map((e) => e.source))).toEqual(new Set(['adobe-openapi']));
    console.info(`codes only in the published OpenAPI: ${fromPublished.length}, of which ${fromPublished.filter((e) => e.action).length} have an action and status from the legacy v1 table`);
  });

  it('include every documented REST API V2 code in Adobe\'s published list (nothing documented is missing there)', () => {
    expect(v2Table.map((r) => r.code).filter((c) => !publishedCodes.includes(c))).toEqual([]);
  });

  it.each(fromPublished.map((e) => ({ name: e.code, e })))('$name: status, action and message from the legacy v1 table, or none', ({ e }) => {
    const row = v1Table.find((r) => r.code === e.code);
    const { code: _code, source: _source, ...documented } = e;
    expect(documented).toEqual(row ? { status: row.status.length === 1 ? row.status[0] : row.status, action: row.action, message: row.message } : {});
  });
});

describe('error catalog and ErrorCode agree', () => {
  it('enumerates exactly the catalog codes in ErrorCode, in catalog order', () => {
    expect(errorCode.enum).toEqual(catalog.map((c) => c.code));
  });

  it('uses only actions that ErrorAction defines and statuses that ErrorStatus defines', () => {
    const actions = ((schemas.ErrorAction as JsonObject).oneOf as JsonObject[]).map((a) => a.const);
    const statuses = ((schemas.ErrorStatus as JsonObject).oneOf as JsonObject[]).map((a) => a.const);
    for (const entry of catalog) {
      if (entry.action !== undefined) expect(actions, entry.code).toContain(entry.action);
      for (const status of [entry.status ?? []].flat()) expect(statuses, entry.code).toContain(status);
    }
  });
});

/** Every enhanced error inside every example, top-level or item-level. */
function errorsIn(value: Json, found: JsonObject[] = []): JsonObject[] {
  if (value && typeof value === 'object') {
    if (!Array.isArray(value) && typeof value.code === 'string' && typeof value.action === 'string') found.push(value);
    for (const v of Array.isArray(value) ? value : Object.values(value)) errorsIn(v, found);
  }
  return found;
}

describe('errors in examples agree with the catalog', () => {
  const cases = operations.flatMap((op) => op.responseExamples.flatMap((ex) =>
    errorsIn(ex.value).map((error) => ({ name: `${op.operationId} › ${ex.name} › ${String(error.code)}`, error }))));
  it('finds enhanced errors in the examples', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('$name', ({ error }) => {
    const entry = catalog.find((c) => c.code === error.code);
    expect(entry, `code ${String(error.code)} in the catalog`).toBeDefined();
    expect({ status: error.status, action: error.action }).toEqual({ status: entry!.status, action: entry!.action });
    expect(entry!.source, 'examples use only documented codes').toBeUndefined();
  });
});
