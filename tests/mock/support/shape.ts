// Says whether a mock answer is in a shape the description documents for the operation, using Ajv
// (the description's own validator) on the documented response schema, never the mock's code.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { deref, pointerSegment, type Json, type JsonObject, type OpenApiDocument, type Operation } from '../../../src/description/document.ts';
import type { DescriptionValidator } from '../../../src/description/validator.ts';
import { MOCK_PROBLEM_SCHEMA } from '../../../src/mock/prefer.ts';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export type Verdict =
  | { ok: true; kind: 'documented' | 'documented-no-body' | 'mock-problem' | 'unrouted' }
  | { ok: false; why: string };

const mockProblem = new Ajv2020({ strict: true }).compile(MOCK_PROBLEM_SCHEMA);
const header = (headers: Record<string, string>, name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];

export function documentedShape(doc: OpenApiDocument, validator: DescriptionValidator, op: Operation | undefined, answer: Answer, hadPrefer: boolean): Verdict {
  const type = (header(answer.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const body = answer.body ?? '';
  if (answer.status >= 500) return { ok: false, why: `status ${answer.status}` };
  if (type === 'application/problem+json') {
    if (!hadPrefer) return { ok: false, why: 'problem+json without a Prefer header' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { ok: false, why: 'problem+json body is not JSON' };
    }
    return mockProblem(parsed) ? { ok: true, kind: 'mock-problem' } : { ok: false, why: `mock problem: ${JSON.stringify(mockProblem.errors)}` };
  }
  if (!op) {
    // No operation matched: 404, or 405 with Allow; neither carries a body.
    if (answer.status === 404 && body === '') return { ok: true, kind: 'unrouted' };
    if (answer.status === 405 && body === '' && header(answer.headers, 'allow')) return { ok: true, kind: 'unrouted' };
    return { ok: false, why: `unrouted answer ${answer.status} ${type} ${body.slice(0, 80)}` };
  }
  const responses = op.node.responses as JsonObject;
  if (!(String(answer.status) in responses)) return { ok: false, why: `status ${answer.status} is not documented for ${op.operationId}` };
  const response = deref<JsonObject>(doc, responses[String(answer.status)]!, `${op.pointer}/responses/${answer.status}`);
  const content = (response.node.content ?? {}) as JsonObject;
  if (body === '') {
    // Errors "may carry" a body; a success that documents one must send it.
    if (answer.status >= 400 || Object.keys(content).length === 0) return { ok: true, kind: 'documented-no-body' };
    return { ok: false, why: `${answer.status} without its documented body` };
  }
  const media = Object.keys(content).find((m) => m.toLowerCase() === type);
  if (!media) return { ok: false, why: `Content-Type ${type || '(none)'} is not documented for ${answer.status} (${Object.keys(content).join(', ')})` };
  let value: Json = body;
  if (media.includes('json')) {
    try {
      value = JSON.parse(body) as Json;
    } catch {
      return { ok: false, why: 'body is not JSON' };
    }
  }
  const result = validator.validate(`${response.pointer}/content/${pointerSegment(media)}/schema`, value);
  return result.valid ? { ok: true, kind: 'documented' } : { ok: false, why: `body: ${result.violations.map((v) => `${v.path} ${v.message}`).join('; ')}` };
}
