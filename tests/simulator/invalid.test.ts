// Malformed requests the drift check's negative cases do not send: a path segment that is not valid
// percent-encoding, and a body that cannot be read. The expected answer comes from the description
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

describe('a body that cannot be read is answered as a missing body', () => {
  const op = sharedDescription().operations.find((o) => o.operationId === 'retrieveAuthorizationDecisions')!;
  const schema = bodySchema(op);
  const first = (schema.required as string[])[0]!;
  // The rule the negative case "missing body field" uses: the body's code, then the field's.
  const expected = documentedRejection(doc, op, [code(schema), code((schema.properties as JsonObject)[first])]);
  const send = async (contentType: string | undefined, raw: string) => outcome(await t.call('POST', `/api/v2/${SP}/decisions/authorize/Cablevision`, { token, headers: { ...device(1), ...(contentType !== undefined ? { 'Content-Type': contentType } : {}) }, raw }));

  it('reads the expectation from the description', () => {
    expect(expected).toEqual({ status: 400, errorCode: 'invalid_parameter_resources' });
  });

  it.each([
    ['not JSON', 'application/json', '{"resources": ['],
    ['empty, with a Content-Type', 'application/json', ''],
    ['another media type', 'text/plain', '{"resources":["REF30"]}'],
    ['a Content-Type that does not parse', 'application/json;;', '{"resources":["REF30"]}'],
  ])('%s', async (_, contentType, body) => {
    expect(await send(contentType, body)).toEqual({ status: expected.status, errorCode: expected.errorCode });
  });

  it('a form field that is not valid percent-encoding (access token request: its body\'s invalid_request)', async () => {
    const op = sharedDescription().operations.find((o) => o.operationId === 'retrieveAccessToken')!;
    const want = documentedRejection(doc, op, [code(bodySchema(op))]);
    expect(want).toEqual({ status: 400, errorCode: 'invalid_request' });
    const r = await t.call('POST', '/o/client/token', { headers: { 'X-Device-Info': device(1)['X-Device-Info']!, 'Content-Type': 'application/x-www-form-urlencoded' }, raw: 'client_id=%ZZ&client_secret=x&grant_type=client_credentials' });
    expect(outcome(r)).toEqual(want);
  });
});
