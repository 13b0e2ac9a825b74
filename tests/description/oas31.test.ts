// The bundled description is valid OpenAPI 3.1 by an independent validator (official OAS schema).
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { bundledDescriptionPath } from '../../src/description/document.ts';
import { doc, operations } from './fixture.ts';

describe('bundled description', () => {
  it('is valid against the official OpenAPI 3.1 schema', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(validator.version).toBe('3.1');
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is the same document in YAML and JSON', () => {
    const yaml = parse(readFileSync(bundledDescriptionPath.replace(/\.json$/, '.yaml'), 'utf8'));
    expect(yaml).toEqual(doc);
  });

  it('describes the 15 documented operations with unique camelCase operationIds', () => {
    const ids = operations.map((op) => op.operationId);
    expect(ids).toHaveLength(15);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+[A-Z][A-Za-z0-9]*$/);
  });

  it('lists the four Adobe hosts and the local mock as servers', () => {
    const urls = (doc.servers as { url: string }[]).map((s) => s.url);
    expect(urls).toEqual(expect.arrayContaining([
      'https://sp.auth.adobe.com', 'https://sp-prequal.auth.adobe.com',
      'https://sp.auth-staging.adobe.com', 'https://sp-prequal.auth-staging.adobe.com',
    ]));
    expect(urls.some((u) => u.startsWith('http://127.0.0.1:'))).toBe(true);
  });
});
