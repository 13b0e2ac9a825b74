// The description's error catalog is Adobe's REST API V2 list of enhanced error codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot, type Json, type JsonObject } from '../../src/description/document.ts';
import { doc, operations } from './fixture.ts';

interface CatalogEntry { code: string; status: number; action: string; message: string }

/** Rows of the "REST API v2" table of Adobe's enhanced error codes page. */
function documentedCodes(): CatalogEntry[] {
  const page = readFileSync(join(projectRoot, 'reference/adobe-pass/features/enhanced-error-codes.md'), 'utf8');
  const section = page.split('{#enhanced-error-codes-lists-rest-api-v2}')[1]!.split('### (Legacy)')[0]!;
  const rows: CatalogEntry[] = [];
  let action = '';
  for (const line of section.split('\n')) {
    const m = /^\|\s*(?:\*\*([\w-]+)\*\*)?\s*\|\s*\*(\w+)\*\s*\|\s*(\d+)\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (!m) continue;
    action = m[1] ?? action;
    rows.push({ code: m[2]!, status: Number(m[3]), action, message: m[4]! });
  }
  return rows;
}

const errorCode = (doc.components.schemas as JsonObject).ErrorCode as JsonObject;
const catalog = errorCode['x-error-catalog'] as unknown as CatalogEntry[];
const documented = documentedCodes();

describe('error catalog', () => {
  it('parses a non-empty REST API V2 table from the docs', () => {
    expect(documented.length).toBeGreaterThan(0);
    console.info(`REST API V2 enhanced error codes in the docs: ${documented.length}`);
  });

  it('has every documented REST API V2 code with its status, action and message', () => {
    expect(catalog).toEqual(documented);
  });

  it('enumerates exactly the catalog codes in ErrorCode', () => {
    expect(errorCode.enum).toEqual(catalog.map((c) => c.code));
  });

  it('uses only actions that ErrorAction defines', () => {
    const actions = ((doc.components.schemas as JsonObject).ErrorAction as JsonObject).oneOf as JsonObject[];
    const allowed = actions.map((a) => a.const);
    for (const entry of catalog) expect(allowed).toContain(entry.action);
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
  });
});
