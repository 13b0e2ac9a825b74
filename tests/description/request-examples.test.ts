// Request samples carry everything their operation requires and pair with documented responses.
import { describe, expect, it } from 'vitest';
import { requiredHeaders } from '../../src/description/document.ts';
import { caseName, operations } from './fixture.ts';

const requestCases = operations.flatMap((op) =>
  Object.entries(op.requestExamples).map(([name, ex]) => ({ name: caseName(op.operationId, name), op, exampleName: name, ex })));

describe('request samples carry every required parameter and header', () => {
  it.each(requestCases)('$name', ({ op, ex }) => {
    const missing: string[] = [];
    for (const p of op.parameters.filter((p) => p.required)) {
      const given = p.in === 'path' ? ex.path : p.in === 'query' ? ex.query : p.in === 'header' ? ex.headers : undefined;
      const present = Object.keys(given ?? {}).some((k) => k.toLowerCase() === p.name.toLowerCase());
      if (!present) missing.push(`${p.in} ${p.name}`);
    }
    for (const h of requiredHeaders(op)) {
      if (!Object.keys(ex.headers ?? {}).some((k) => k.toLowerCase() === h.toLowerCase())) missing.push(`header ${h}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('request samples pair with their body and responses', () => {
  it.each(requestCases)('$name', ({ op, exampleName, ex }) => {
    expect(ex.summary, 'summary').toEqual(expect.any(String));
    if (op.requestBody) expect(Object.keys(op.requestBody.examples), 'request body example of the same name').toContain(exampleName);
    const names = op.responseExamples.map((r) => r.name);
    for (const response of ex.responses ?? [exampleName]) expect(names, 'response example').toContain(response);
  });
});

describe('documented response examples are reached from a request sample', () => {
  it.each(operations.map((op) => ({ name: op.operationId, op })))('$name', ({ op }) => {
    const reached = new Set(Object.entries(op.requestExamples).flatMap(([name, ex]) => ex.responses ?? [name]));
    // Examples of shared responses (components/responses) illustrate an error code, not a page sample.
    const own = op.responseExamples.filter((r) => !r.schemaPointer.startsWith('#/components/responses/')).map((r) => r.name);
    expect(own.filter((name) => !reached.has(name))).toEqual([]);
  });
});

describe('request body examples', () => {
  it.each(operations.filter((op) => op.requestBody).map((op) => ({ name: op.operationId, op })))('$name: one summary per situation, as its request sample says', ({ op }) => {
    const node = (op.node.requestBody as { content: Record<string, { examples?: Record<string, { summary?: string }> }> }).content[op.requestBody!.mediaType]!.examples ?? {};
    const summaries = Object.entries(node).map(([name, ex]) => [name, ex.summary] as const);
    expect(new Set(summaries.map(([, s]) => s)).size).toBe(summaries.length);
    for (const [name, summary] of summaries) expect(summary, name).toBe(op.requestExamples[name]?.summary);
  });
});

describe('example names', () => {
  it('are unique across the description and name a situation, not a number', () => {
    const all = operations.flatMap((op) => Object.keys(op.requestExamples).map((n) => `${op.operationId}:${n}`));
    const bare = all.map((n) => n.split(':')[1]!);
    expect(new Set(bare).size).toBe(bare.length);
    for (const name of bare) expect(name).not.toMatch(/^(example|sample)\d*$/i);
  });
});
