// The mock's pure handler: malformed requests get the error the description documents, with
// expectations read from the description (x-error-code, documented responses), never from the mapper.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCases, documentedRejection, type Case } from '../../src/contract/cases.ts';
import { buildUrl } from '../../src/contract/request.ts';
import { deref, listOperations, type JsonObject, type Operation } from '../../src/description/document.ts';
import type { RejectedInput } from '../../src/description/errors.ts';
import { loadDescription } from '../../src/description/index.ts';
import { createMockHandler, type MockHandler, type MockRequest, type MockResponse } from '../../src/mock/handler.ts';
import { ViolationMapper } from '../../src/mock/violations.ts';
import { buildPrismOperations, loadPrismMocker, prismOperations, type PrismOperation } from '../../src/prism/index.ts';
import { Router } from '../../src/description/routes.ts';
import { DescriptionValidator } from '../../src/description/validator.ts';
import { toForm } from 'pass-contract-client';

const description = loadDescription();
const { doc, operations } = description;
let resources: PrismOperation[];
let handle: MockHandler;
beforeAll(async () => {
  resources = await prismOperations(description);
  handle = createMockHandler(description, loadPrismMocker(), resources);
});

const op = (id: string) => operations.find((o) => o.operationId === id)!;
const xErrorCode = (node: unknown) => (node as JsonObject | undefined)?.['x-error-code'];
const bodyCode = (o: Operation) => (o.requestBody ? xErrorCode(deref<JsonObject>(doc, { $ref: o.requestBody.schemaPointer }, o.requestBody.schemaPointer).node) : undefined);
/** An unreadable body: every required field is missing, so the body's code, then the first required field's. */
const unreadableBodyCodes = (o: Operation) => {
  const schema = deref<JsonObject>(doc, { $ref: o.requestBody!.schemaPointer }, o.requestBody!.schemaPointer).node;
  const first = ((schema.required as string[] | undefined) ?? [])[0];
  return [xErrorCode(schema), first ? xErrorCode((schema.properties as JsonObject)[first]) : undefined];
};
const paramCode = (o: Operation, name: string) => xErrorCode(o.parameters.find((p) => p.name.toLowerCase() === name.toLowerCase()));

/** A documented request sample of `o` as the handler takes it, with `change` applied. */
function sample(o: Operation, change: (r: { target: string; headers: Record<string, string>; body?: string; method: string }) => void = () => {}): MockRequest {
  const [name, ex] = Object.entries(o.requestExamples)[0]!;
  const bodyValue = o.requestBody?.examples[name];
  const r = {
    method: o.method.toUpperCase(),
    target: buildUrl('', { method: o.method, pathTemplate: o.path, path: ex.path ?? {}, query: ex.query ?? {}, headers: {} }),
    headers: Object.fromEntries(Object.entries(ex.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    ...(bodyValue !== undefined ? { body: o.requestBody!.mediaType.includes('json') ? JSON.stringify(bodyValue) : toForm(bodyValue as Record<string, unknown>) } : {}),
  } as { target: string; headers: Record<string, string>; body?: string; method: string };
  if (o.requestBody) r.headers['content-type'] = o.requestBody.mediaType;
  change(r);
  return { method: r.method, target: r.target, headers: r.headers, ...(r.body !== undefined ? { body: Buffer.from(r.body) } : {}) };
}

const contentType = (r: MockResponse) => Object.entries(r.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
const parse = (r: MockResponse) => (r.body && /json/.test(contentType(r)) ? (JSON.parse(r.body) as JsonObject) : undefined);
const codeOf = (r: MockResponse) => {
  const body = parse(r);
  return body?.code ?? body?.error;
};

/** The answer matches what the description documents for rejecting these codes (in order). */
function expectRejection(answer: MockResponse, o: Operation, codes: unknown[]) {
  const expected = documentedRejection(doc, o, codes);
  expect(answer.status, answer.violation).toBe(expected.status);
  expect(codeOf(answer), answer.violation).toBe(expected.errorCode);
}

describe('documented situations', () => {
  it('answers every documented request sample with a documented success', () => {
    for (const o of operations) {
      const answer = handle(sample(o));
      expect(answer.status, `${o.operationId}: ${answer.violation}`).toBeLessThan(400);
    }
  });

  it('selects an example by name alone, at its own status', () => {
    const answer = handle(sample(op('initiateLogout'), (r) => void (r.headers.prefer = 'example=throttled')));
    expect(answer.status).toBe(429);
    const degraded = handle(sample(op('initiateLogout'), (r) => void (r.headers.prefer = 'example=logoutDegraded')));
    expect(parse(degraded)).toEqual(op('initiateLogout').responseExamples.find((e) => e.name === 'logoutDegraded')!.value);
  });

  it('answers an unknown Prefer example or code with 404 problem+json listing what the operation documents', () => {
    for (const prefer of ['example=noSuchExample', 'code=418', 'code=200, example=throttled', 'example=registerInvalidRequest']) {
      const answer = handle(sample(op('initiateLogout'), (r) => void (r.headers.prefer = prefer)));
      expect(answer.status, prefer).toBe(404);
      expect(answer.headers['Content-Type']).toBe('application/problem+json');
      const body = JSON.parse(answer.body!) as { examples: { name: string; status: number }[]; statuses: number[]; operationId: string };
      expect(body.operationId).toBe('initiateLogout');
      expect(body.examples.map((e) => e.name).sort()).toEqual(op('initiateLogout').responseExamples.map((e) => e.name).sort());
      // Statuses with a documented example, or without a body: the mock serves documented examples only.
      const o = op('initiateLogout');
      const selectable = Object.entries(o.node.responses as JsonObject)
        .filter(([status, r]) => o.responseExamples.some((e) => e.status === status) || !('$ref' in (r as JsonObject)) && !(r as JsonObject).content)
        .map(([status]) => Number(status));
      expect(body.statuses.sort()).toEqual(selectable.sort());
      expect(body.statuses).toContain(200);
    }
  });

  it('answers a malformed Prefer with 400 problem+json, not a documented error', () => {
    const answer = handle(sample(op('initiateLogout'), (r) => void (r.headers.prefer = 'code=abc')));
    expect(answer.status).toBe(400);
    expect(answer.headers['Content-Type']).toBe('application/problem+json');
  });
});

describe('malformed requests get the error the description documents', () => {
  it('a bad percent-escape in each path segment of each operation: the parameter code', () => {
    let checked = 0;
    for (const o of operations) {
      for (const p of o.parameters.filter((p) => p.in === 'path')) {
        for (const bad of ['%zz', '%E0%A4', '%']) {
          const answer = handle(sample(o, (r) => void (r.target = r.target.replace(`{${p.name}}`, '').replace(new RegExp(`/${encodeURIComponent((Object.values(o.requestExamples)[0]!.path ?? {})[p.name]!)}(?=/|\\?|$)`), `/${bad}`))));
          expectRejection(answer, o, [paramCode(o, p.name), bodyCode(o)]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('an unparsable or undocumented Content-Type on an operation with a body: the body code', () => {
    for (const o of operations.filter((o) => o.requestBody)) {
      for (const contentType of ['application/json;;', 'application/', 'text/plain', 'application/json; charset="utf-8']) {
        if (contentType === o.requestBody!.mediaType) continue;
        expectRejection(handle(sample(o, (r) => void (r.headers['content-type'] = contentType))), o, unreadableBodyCodes(o));
      }
    }
    // OAuth operations have a body code (invalid_request); that is what a malformed DCR body gets.
    expect(codeOf(handle(sample(op('retrieveClientCredentials'), (r) => void (r.headers['content-type'] = ';'))))).toBe('invalid_request');
  });

  it('an unparsable Accept, or one that excludes JSON: the Accept parameter’s documented error', () => {
    for (const o of operations.filter((o) => o.parameters.some((p) => p.name === 'Accept'))) {
      for (const accept of ['application/json;q=abc', ';;;', 'text/html', 'application/json;q=0', 'a/b/c']) {
        expectRejection(handle(sample(o, (r) => void (r.headers.accept = accept))), o, [paramCode(o, 'Accept'), bodyCode(o)]);
      }
      expect(handle(sample(o, (r) => void (r.headers.accept = 'text/html, application/json;q=0.5'))).status).toBeLessThan(400);
    }
  });

  it('base64 JSON headers are decoded and validated against their contentSchema', () => {
    const o = op('retrieveProfiles');
    const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');
    for (const [header, values] of Object.entries({
      'x-device-info': ['not base64!', b64('not json'), b64({}), b64({ model: 'x', version: '1', osName: 'Nope', osVersion: '1', connectionType: 'WiFi' })],
      'ap-partner-framework-status': ['e30', b64('{'), b64({ frameworkPermissionInfo: { accessStatus: 'maybe' }, frameworkProviderInfo: { id: 'x', expirationDate: '1' } }), b64({ frameworkPermissionInfo: { accessStatus: 'granted' } })],
    })) {
      for (const value of values) {
        const answer = handle(sample(o, (r) => void (r.headers[header] = value)));
        expectRejection(answer, o, [paramCode(o, header)]);
        expect(answer.violation).toMatch(new RegExp(header, 'i'));
      }
    }
    const ok = b64({ frameworkPermissionInfo: { accessStatus: 'granted' }, frameworkProviderInfo: { id: 'Cablevision', expirationDate: '1735689600000' } });
    expect(handle(sample(o, (r) => void (r.headers['ap-partner-framework-status'] = ok))).status).toBe(200);
  });

  it('a malformed form body and a body over the size limit: an unreadable body, never 5xx', () => {
    const o = op('retrieveAccessToken');
    expectRejection(handle(sample(o, (r) => void (r.body = 'client_id=%zz'))), o, unreadableBodyCodes(o));
    const decisions = op('retrieveAuthorizationDecisions');
    const { body: _, ...withoutBody } = sample(decisions);
    expectRejection(handle({ ...withoutBody, bodyError: 'body larger than 1048576 bytes' }), decisions, unreadableBodyCodes(decisions));
    expect(codeOf(handle({ ...withoutBody, bodyError: 'too large' }))).toBe('invalid_parameter_resources');
  });

  it('answers a wrong method with 405 and Allow, an unknown path with a bare 404', () => {
    const wrong = handle(sample(op('initiateLogout'), (r) => void (r.method = 'DELETE')));
    expect(wrong).toMatchObject({ status: 405, headers: { Allow: 'GET' } });
    expect(handle({ method: 'GET', target: '/nowhere', headers: {} })).toMatchObject({ status: 404 });
    expect(handle({ method: 'GET', target: 'no-slash', headers: {} }).status).toBe(400);
  });
});

describe('the mapper against expectations from the description', () => {
  /** Each negative case of the contract suite, sent through `h`; the cases whose answer differs from the description. */
  function mismatches(h: MockHandler, cases: Case[]): string[] {
    return cases.flatMap((c) => {
      const o = op(c.operationId);
      const answer = h(sample(o, (r) => {
        r.method = c.request.method;
        r.target = buildUrl('', c.request);
        r.headers = Object.fromEntries(Object.entries(c.request.headers).map(([k, v]) => [k.toLowerCase(), v]));
        if (c.request.body) {
          r.headers['content-type'] = c.request.body.mediaType;
          r.body = c.request.body.mediaType.includes('json') ? JSON.stringify(c.request.body.value) : toForm(c.request.body.value as Record<string, unknown>);
        } else delete r.body;
      }));
      const same = answer.status === c.expect.status && (c.expect.errorCode === undefined || codeOf(answer) === c.expect.errorCode);
      return same ? [] : [`${c.id}: expected ${c.expect.status} ${c.expect.errorCode ?? ''}, got ${answer.status} ${String(codeOf(answer) ?? '')}`];
    });
  }
  const negatives = () => buildCases(doc, operations, 'mock').filter((c) => c.kind === 'negative');

  it('answers every negative case with the status and code the description documents', () => {
    expect(negatives().length).toBeGreaterThan(80);
    expect(mismatches(handle, negatives())).toEqual([]);
  });

  it('would be caught mapping a header to the wrong code, or dropping the DCR fallback', () => {
    class HeaderConfused extends ViolationMapper {
      override rejected(o: Operation, input: RejectedInput, detail: string) {
        return super.rejected(o, input.in === 'header' ? { ...input, name: 'AP-Device-Identifier' } : input, detail);
      }
    }
    class NoFallback extends ViolationMapper {
      override rejected(o: Operation, input: RejectedInput, detail: string) {
        return input.in === 'body' ? { status: 400, violation: detail } : super.rejected(o, input, detail);
      }
    }
    for (const Mapper of [HeaderConfused, NoFallback]) {
      const wrong = createMockHandler(description, loadPrismMocker(), resources, new Mapper(doc, description.validator));
      expect(mismatches(wrong, negatives()).length, Mapper.name).toBeGreaterThan(0);
    }
  });

  it('reads expectations from the description: another x-error-code there, another expectation', () => {
    const changed = structuredClone(doc);
    const mvpd = (changed.components.parameters as JsonObject).Mvpd as JsonObject;
    mvpd['x-error-code'] = 'invalid_parameter_code';
    const cases = buildCases(changed, listOperations(changed), 'mock');
    const emptyMvpd = cases.find((c) => c.id === 'initiateLogout › empty path mvpd')!;
    expect(emptyMvpd.expect).toEqual({ status: 400, errorCode: 'invalid_parameter_code' });
    // A code the operation's error body cannot carry falls back to the body's code, else a bare 400.
    expect(documentedRejection(doc, op('retrieveClientCredentials'), ['invalid_header_device_info', 'invalid_request'])).toEqual({ status: 400, errorCode: 'invalid_request' });
    expect(documentedRejection(doc, op('initiateLogout'), ['no_such_code'])).toEqual({ status: 400 });
    // An error documented as an HTML page only: the status, no code.
    const htmlOnly = structuredClone(doc);
    const authenticate = (htmlOnly.paths['/api/v2/authenticate/{serviceProvider}/{code}'] as JsonObject).get as JsonObject;
    delete ((((authenticate.responses as JsonObject)['400'] as JsonObject).content) as JsonObject)['application/json'];
    const performAuthentication = listOperations(htmlOnly).find((o) => o.operationId === 'performAuthentication')!;
    expect(documentedRejection(htmlOnly, performAuthentication, ['invalid_parameter_code'])).toEqual({ status: 400 });
    expect(documentedRejection(doc, op('performAuthentication'), ['invalid_parameter_code'])).toEqual({ status: 400, errorCode: 'invalid_parameter_code' });
    // …and the mock answers it with an HTML page, as documented.
    const operationsHtml = listOperations(htmlOnly);
    const htmlDescription = { path: '(copy)', doc: htmlOnly, operations: operationsHtml, router: new Router(operationsHtml), validator: new DescriptionValidator(htmlOnly) };
    const htmlHandler = createMockHandler(htmlDescription, loadPrismMocker(), buildPrismOperations(htmlOnly));
    const answer = htmlHandler({ method: 'GET', target: '/api/v2/authenticate/REF30/%zz', headers: {} });
    expect(answer.status).toBe(400);
    expect(answer.headers['Content-Type']).toBe('text/html;charset=UTF-8');
    expect(answer.body).toContain('invalid_parameter_code');
  });
});
