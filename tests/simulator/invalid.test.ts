// Malformed requests the drift check's negative cases do not send: a path segment that is not valid
// percent-encoding. The expected answer comes from the description
// (the input's `x-error-code`, through the contract's `documentedRejection`), never from the simulator.
import { describe, expect, it } from 'vitest';
import { documentedRejection } from '../../src/contract/cases.ts';
import { deref, type JsonObject, type Operation } from '../../src/description/document.ts';
import { device, sharedDescription, SP, useSimulator, type TestSimulator } from './support.ts';

let t: TestSimulator;
let token: string;
useSimulator((sim, fresh) => {
  t = sim;
  token = fresh;
});

const doc = sharedDescription().doc;
const code = (node: unknown) => (node as JsonObject | undefined)?.['x-error-code'];
const bodySchema = (op: Operation) => deref<JsonObject>(doc, { $ref: op.requestBody!.schemaPointer }, op.requestBody!.schemaPointer).node;
const VALUES: Record<string, string> = { serviceProvider: SP, mvpd: 'Cablevision', code: 'ABCDEFG', partner: 'Apple' };

/** What a reply carries: the status, and the enhanced `code` or OAuth `error` when the body is JSON. */
const outcome = (r: { status: number; body: { code?: string; error?: string } | undefined }) => ({ status: r.status, errorCode: r.body?.code ?? r.body?.error });

describe('a path segment that is not valid percent-encoding', () => {
  const cases = sharedDescription().operations.flatMap((op) => op.parameters.filter((p) => p.in === 'path').map((p) => ({ op, name: p.name, param: p })));

  it('covers every path parameter of the description', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(expect.arrayContaining(['code', 'mvpd', 'partner', 'serviceProvider']));
  });

  it.each(cases.map((c) => [`${c.op.operationId} ${c.name}`, c] as const))('%s gets the parameter\'s documented error', async (_, { op, name, param }) => {
    const path = op.path.replace(/\{([^}]+)\}/g, (_m, p: string) => (p === name ? '%E0%A4%A' : VALUES[p]!));
    const expected = documentedRejection(doc, op, [code(param), op.requestBody ? code(bodySchema(op)) : undefined]);
    const r = await t.call(op.method.toUpperCase(), path, { token, headers: device(1) });
    expect(expected.status).toBe(400);
    expect(outcome(r)).toEqual({ status: expected.status, errorCode: expected.errorCode });
    if (expected.errorCode === undefined) expect(r.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
