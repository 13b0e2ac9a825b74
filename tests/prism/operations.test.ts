// Prism as we load it: operations built without Prism's dereferencing answer exactly like Prism's own
// getHttpOperationsFromSpec, and serving documented examples loads none of the deferred modules.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadDescription } from '../../src/description/index.ts';
import { createMockHandler } from '../../src/mock/handler.ts';
import { buildPrismOperations, loadPrismMocker, type PrismOperation } from '../../src/prism/index.ts';
import { malformedRequests, samplesOf } from '../mock/support/fuzz.ts';

const description = loadDescription();
const require = createRequire(import.meta.url);
const prismRequire = createRequire(require.resolve('@stoplight/prism-http/dist/index.js'));
const loadedModules = () => Object.keys(prismRequire.cache).filter((k) => prismRequire.cache[k]?.loaded);

describe('Prism operations', () => {
  it('serves documented examples without loading faker, the JSON Schema generator, callbacks or lodash/fp', () => {
    const handle = createMockHandler(description, loadPrismMocker(), buildPrismOperations(description.doc));
    for (const sample of samplesOf(description.operations)) {
      const answer = handle({ method: sample.op.method.toUpperCase(), target: sample.op.path.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(sample.path[n]!)), headers: Object.fromEntries(Object.entries(sample.headers).map(([k, v]) => [k.toLowerCase(), v])), ...(sample.body ? { body: Buffer.from(sample.body.mediaType.includes('json') ? JSON.stringify(sample.body.value) : new URLSearchParams(sample.body.value as Record<string, string>).toString()) } : {}) });
      expect(answer.status, `${sample.op.operationId} ${answer.violation ?? ''}`).toBeLessThan(500);
    }
    const loaded = loadedModules();
    expect(loaded.some((k) => k.includes('prism-http/dist/mocker/index.js'))).toBe(true);
    // The deferred entry files sit in the module cache as stand-ins; what they would load must be absent.
    for (const deferred of ['@faker-js/faker/dist/cjs/locale', 'json-schema-faker', 'seedrandom', 'lodash/fp/_baseConvert.js', 'postman-collection', 'pino', 'json-schema-ref-parser']) {
      expect(loaded.filter((k) => k.includes(deferred)), deferred).toEqual([]);
    }
  });

  it('answer every documented and fuzzed request exactly as Prism’s own getHttpOperationsFromSpec does', async () => {
    const { getHttpOperationsFromSpec } = prismRequire('@stoplight/prism-http/dist/utils/operations.js') as { getHttpOperationsFromSpec: (doc: object) => Promise<PrismOperation[]> };
    const prisms = createMockHandler(description, loadPrismMocker(), await getHttpOperationsFromSpec(structuredClone(description.doc)));
    const ours = createMockHandler(description, loadPrismMocker(), buildPrismOperations(description.doc));
    const differences: string[] = [];
    let count = 0;
    for (const r of malformedRequests(samplesOf(description.operations), 1500, 99)) {
      count++;
      const [a, b] = [prisms(r), ours(r)];
      if (a.status !== b.status || a.body !== b.body || JSON.stringify(a.headers) !== JSON.stringify(b.headers)) differences.push(`${r.operationId} [${r.mutations.join(' | ')}]: ${a.status} vs ${b.status}`);
    }
    expect(count).toBe(1500);
    expect(differences.slice(0, 5)).toEqual([]);
    // Every documented response example, selected by name, comes out the same.
    for (const op of description.operations) {
      const sample = samplesOf([op])[0]!;
      for (const example of op.responseExamples) {
        const request = { method: op.method.toUpperCase(), target: op.path.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(sample.path[n]!)), headers: { ...Object.fromEntries(Object.entries(sample.headers).map(([k, v]) => [k.toLowerCase(), v])), prefer: `code=${example.status}${example.header ? '' : `, example=${example.name}`}` } };
        const [a, b] = [prisms(request), ours(request)];
        expect(b, `${op.operationId} ${example.name}`).toEqual(a);
      }
    }
  });
});
