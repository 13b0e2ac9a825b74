// The documented-error builder the mock and the simulator share. Expectations come from the
// description through the contract's independent reading (`documentedRejection`) and from the
// description's own examples, never from the builder.
import { describe, expect, it } from 'vitest';
import { documentedRejection } from '../../src/contract/cases.ts';
import { deref, listOperations, pointerSegment, type Json, type JsonObject, type Operation } from '../../src/description/document.ts';
import { DocumentedErrors, HELP_URL, type ErrorReply, type RejectedInput } from '../../src/description/errors.ts';
import { DescriptionValidator } from '../../src/description/validator.ts';
import { doc, operations, validator } from './fixture.ts';

const code = (node: unknown) => (node as JsonObject | undefined)?.['x-error-code'];
const bodySchema = (op: Operation) => deref<JsonObject>(doc, { $ref: op.requestBody!.schemaPointer }, op.requestBody!.schemaPointer).node;
const outcome = (r: ErrorReply) => {
  const errorCode = r.body ? ('code' in r.body ? r.body.code : r.body.error) : undefined;
  return { status: r.status, ...(errorCode !== undefined ? { errorCode } : {}) };
};

/** Every rejected input the description gives a code to, with the codes in the order the contract's negative cases use. */
function inputs(): { op: Operation; input: RejectedInput; codes: unknown[] }[] {
  const securityCode = code((doc.components.securitySchemes as JsonObject).accessToken);
  return operations.flatMap((op) => {
    const body = op.requestBody ? bodySchema(op) : undefined;
    const out: { op: Operation; input: RejectedInput; codes: unknown[] }[] = op.parameters.flatMap((p) => [
      { op, input: { in: p.in, name: p.name, missing: true }, codes: [code(p), code(body)] },
      { op, input: { in: p.in, name: p.name.toUpperCase() }, codes: [code(p), code(body)] },
    ]);
    if (op.needsAccessToken) out.push({ op, input: { in: 'security' }, codes: [securityCode] });
    if (body) {
      const first = ((body.required as string[] | undefined) ?? [])[0];
      out.push({ op, input: { in: 'body', missing: true }, codes: [code(body), first ? code((body.properties as JsonObject)[first]) : undefined] });
      for (const [name, property] of Object.entries((body.properties ?? {}) as JsonObject)) {
        out.push({ op, input: { in: 'body', name, missing: true }, codes: [code(body), code(property)] });
        out.push({ op, input: { in: 'body', name }, codes: [code(property), code(body)] });
      }
    }
    return out;
  });
}

describe('DocumentedErrors', () => {
  const errors = new DocumentedErrors(doc, validator, () => 'trace-1');
  const all = inputs();

  it('answers every input with the status and code the description documents for it', () => {
    expect(all.length).toBeGreaterThan(100);
    const wrong = all.flatMap(({ op, input, codes }) => {
      const got = outcome(errors.rejected(op, input, 'detail'));
      const want = documentedRejection(doc, op, codes);
      return JSON.stringify(got) === JSON.stringify(want) ? [] : [`${op.operationId} ${JSON.stringify(input)}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`];
    });
    expect(wrong).toEqual([]);
  });

  it('sends only bodies the operation documents for that status, each carrying the detail', () => {
    let checked = 0;
    for (const { op, input } of all) {
      const r = errors.rejected(op, input, 'path mvpd: empty');
      if (!r.body) continue;
      const response = deref<JsonObject>(doc, (op.node.responses as JsonObject)[String(r.status)]!, `${op.pointer}/responses/${r.status}`);
      const result = validator.validate(`${response.pointer}/content/${pointerSegment('application/json')}/schema`, r.body);
      expect(result.violations, `${op.operationId} ${JSON.stringify(input)}`).toEqual([]);
      if ('code' in r.body) expect(r.body.details).toBe('path mvpd: empty');
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('gives each enhanced error the next trace of the injected generator, and draws none for other replies', () => {
    let n = 0;
    const counted = new DocumentedErrors(doc, validator, () => `t${++n}`);
    const op = (id: string) => operations.find((o) => o.operationId === id)!;
    const first = counted.rejected(op('initiateLogout'), { in: 'path', name: 'mvpd', missing: true }, 'x');
    const second = counted.rejected(op('initiateLogout'), { in: 'path', name: 'mvpd', missing: true }, 'x');
    expect([first.body, second.body].map((b) => (b && 'trace' in b ? b.trace : undefined))).toEqual(['t1', 't2']);
    // An OAuth error (DCR) and a reply with no code carry no trace.
    const oauth = counted.rejected(op('retrieveAccessToken'), { in: 'body', missing: true }, 'x');
    expect(oauth.body).toEqual({ error: 'invalid_request' });
    expect(counted.reply(op('initiateLogout'), [], 'x').body).toBeUndefined();
    expect(n).toBe(2);
  });

  it('uses the helpUrl of every enhanced error the description shows', () => {
    const urls = new Set<string>();
    const visit = (node: Json) => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) k === 'helpUrl' && typeof v === 'string' ? urls.add(v) : visit(v);
    };
    visit(doc.components.examples as Json);
    expect([...urls]).toEqual([HELP_URL]);
  });

  it('answers with the documented HTML page, escaped, where the operation documents only HTML', () => {
    const htmlOnly = structuredClone(doc);
    const authenticate = (htmlOnly.paths['/api/v2/authenticate/{serviceProvider}/{code}'] as JsonObject).get as JsonObject;
    delete (((authenticate.responses as JsonObject)['400'] as JsonObject).content as JsonObject)['application/json'];
    const op = listOperations(htmlOnly).find((o) => o.operationId === 'performAuthentication')!;
    const codes = [code(op.parameters.find((p) => p.name === 'code'))];
    const r = new DocumentedErrors(htmlOnly, new DescriptionValidator(htmlOnly), () => 't').rejected(op, { in: 'path', name: 'code' }, 'path code: "<script>"');
    expect(outcome(r)).toEqual(documentedRejection(htmlOnly, op, codes));
    expect(r.html).toContain(String(codes[0]));
    expect(r.html).toContain('&#60;script&#62;');
    expect(r.html).not.toContain('<script>');
  });
});
