// Every example (response, request body, parameter, request sample) validates with Ajv 2020 + formats.
import { describe, expect, it } from 'vitest';
import { deref, type JsonObject } from '../../src/description/document.ts';
import { caseName, doc, operations, validator } from './fixture.ts';

const responseCases = operations.flatMap((op) =>
  op.responseExamples.map((ex) => ({ name: caseName(op.operationId, `${ex.status} ${ex.header ?? ex.mediaType} ${ex.name}`), ex })));

const bodyCases = operations.flatMap((op) =>
  Object.entries(op.requestBody?.examples ?? {}).map(([name, value]) => ({ name: caseName(op.operationId, `body ${name}`), pointer: op.requestBody!.schemaPointer, value })));

const requestCases = operations.flatMap((op) =>
  Object.entries(op.requestExamples).map(([name, ex]) => ({ name: caseName(op.operationId, `request ${name}`), op, ex })));

describe('response examples', () => {
  it.each(responseCases)('$name', ({ ex }) => {
    expect(validator.validateEncoded(ex.schemaPointer, ex.value).violations).toEqual([]);
  });
});

describe('request body examples', () => {
  it.each(bodyCases)('$name', ({ pointer, value }) => {
    expect(validator.validate(pointer, value).violations).toEqual([]);
  });
});

describe('parameter examples', () => {
  // Every parameter once, whether shared (components) or inline in one operation.
  const params = new Map(operations.flatMap((op) => op.parameters.map((p) => [p.schemaPointer.replace(/\/schema$/, ''), `${p.in} ${p.name}`] as const)));
  it.each([...params].map(([pointer, name]) => ({ pointer, name: `${name} (${pointer})` })))('$name', ({ pointer }) => {
    const { node } = deref<JsonObject>(doc, { $ref: pointer }, pointer);
    const values = [node.example, ...Object.values((node.examples as JsonObject | undefined) ?? {}).map((e) => (e as JsonObject).value)]
      .filter((v) => v !== undefined);
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(validator.validateEncoded(`${pointer}/schema`, value).violations).toEqual([]);
  });
});

describe('request samples (x-request-examples)', () => {
  it.each(requestCases)('$name', ({ op, ex }) => {
    const problems: string[] = [];
    const check = (where: 'path' | 'query' | 'header', values: Record<string, string> | undefined) => {
      for (const [name, value] of Object.entries(values ?? {})) {
        if (where === 'header' && name === 'Authorization') {
          if (!op.needsAccessToken) problems.push('Authorization sent to an operation without bearer security');
          if (!/^Bearer [A-Za-z0-9._~+/-]+=*$/.test(value)) problems.push(`Authorization is not "Bearer <token>": ${value.slice(0, 20)}…`);
          continue;
        }
        if (where === 'header' && name === 'Content-Type') {
          if (!op.requestBody || !value.toLowerCase().startsWith(op.requestBody.mediaType)) problems.push(`Content-Type ${value} is not the body's ${op.requestBody?.mediaType}`);
          continue;
        }
        const param = op.parameters.find((p) => p.in === where && p.name.toLowerCase() === name.toLowerCase());
        if (!param) {
          problems.push(`${where} "${name}" is not a parameter of ${op.operationId}`);
          continue;
        }
        for (const v of validator.validateEncoded(param.schemaPointer, value).violations) problems.push(`${where} ${name}${v.path}: ${v.message}`);
      }
    };
    check('path', ex.path);
    check('query', ex.query);
    check('header', ex.headers);
    expect(problems).toEqual([]);
  });
});

describe('example counts', () => {
  it('has request samples and response examples on every operation', () => {
    for (const op of operations) {
      expect(Object.keys(op.requestExamples).length, op.operationId).toBeGreaterThan(0);
      expect(op.responseExamples.length, op.operationId).toBeGreaterThan(0);
    }
  });
});
