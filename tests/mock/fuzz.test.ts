// Fuzzes the mock: ≥ 10,000 seeded malformed requests over all operations through the pure handler,
// a subset over real loopback HTTP (raw bytes on a net.Socket, compared with the handler's answer),
// and hand-made broken HTTP framing. Never a 5xx; every answer in a shape the description documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDescription } from '../../src/description/index.ts';
import type { MockHandler, MockResponse } from '../../src/mock/handler.ts';
import { createMock, startMock, type RunningMock } from '../../src/mock/server.ts';
import { malformedRequests, samplesOf, type FuzzRequest } from './support/fuzz.ts';
import { rawRequest, serialise } from './support/raw-http.ts';
import { documentedShape, type Answer } from './support/shape.ts';

const SEED = Number(process.env.MOCK_FUZZ_SEED ?? 20260525);
const PURE_COUNT = 10_000;
const HTTP_COUNT = 300;

const description = loadDescription();
const byId = new Map(description.operations.map((o) => [o.operationId, o]));
const samples = samplesOf(description.operations);
let handle: MockHandler;
let mock: RunningMock;
let port: number;
beforeAll(async () => {
  handle = await createMock(description);
  mock = await startMock({ port: 0, description });
  port = Number(new URL(mock.url).port);
});
afterAll(async () => mock?.close());

/** Tally of answers by verdict; failures keep a few examples for the message. */
function tally() {
  const kinds: Record<string, number> = {};
  const failures: string[] = [];
  let fivexx = 0;
  return {
    kinds, failures,
    get fivexx() {
      return fivexx;
    },
    record(r: FuzzRequest, answer: Answer & { operationId?: string }) {
      if (answer.status >= 500) fivexx++;
      const op = answer.operationId ? byId.get(answer.operationId) : undefined;
      const verdict = documentedShape(description.doc, description.validator, op, answer, 'prefer' in r.headers);
      if (verdict.ok) kinds[verdict.kind] = (kinds[verdict.kind] ?? 0) + 1;
      else failures.push(`${r.operationId} ${r.method} ${r.target.slice(0, 90)} [${r.mutations.join(' | ')}] → ${answer.status}: ${verdict.why.slice(0, 200)}`);
    },
  };
}

/** The request as it arrives through Node's HTTP parser: an ASCII request line, upper-case method, trimmed header values. */
function asSentOverHttp(r: FuzzRequest): FuzzRequest {
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => x.trim()) : v.trim()]));
  return { ...r, method: r.method.toUpperCase(), target: r.target.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c)), headers };
}

const contentType = (r: { headers: Record<string, string> }) => Object.entries(r.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];

describe('mock fuzz', () => {
  it(`answers ${PURE_COUNT} malformed requests over every operation without a 5xx, each in a documented shape`, () => {
    const t = tally();
    const perOperation = new Map<string, number>();
    const t0 = performance.now();
    let count = 0;
    for (const r of malformedRequests(samples, PURE_COUNT, SEED)) {
      t.record(r, handle(r));
      perOperation.set(r.operationId, (perOperation.get(r.operationId) ?? 0) + 1);
      count++;
    }
    const ms = performance.now() - t0;
    console.info(`mock fuzz (pure handler, seed ${SEED}): ${count} requests, ${t.fivexx} 5xx, ${t.failures.length} shape violations, ${ms.toFixed(0)} ms; ${JSON.stringify(t.kinds)}`);
    expect(count).toBe(PURE_COUNT);
    expect([...perOperation.keys()].sort()).toEqual(description.operations.map((o) => o.operationId).sort());
    expect(Math.min(...perOperation.values())).toBeGreaterThanOrEqual(Math.floor(PURE_COUNT / description.operations.length));
    expect(t.fivexx).toBe(0);
    expect(t.failures.slice(0, 10)).toEqual([]);
    // The fuzzer really reaches errors, successes, mock problems and routing misses.
    expect(t.kinds.documented! + t.kinds['documented-no-body']!).toBeGreaterThan(PURE_COUNT / 2);
    expect(t.kinds['mock-problem']).toBeGreaterThan(0);
    expect(t.kinds.unrouted).toBeGreaterThan(0);
  });

  it(`answers ${HTTP_COUNT} of them over loopback HTTP exactly as the pure handler does`, async () => {
    const t = tally();
    const differences: string[] = [];
    for (const generated of malformedRequests(samples, HTTP_COUNT, SEED + 1)) {
      const r = asSentOverHttp(generated);
      const expected: MockResponse = handle(r);
      const answer = await rawRequest(port, serialise(r, `127.0.0.1:${port}`));
      expect(answer.status, `${r.method} ${r.target}`).toBeDefined();
      t.record(r, { status: answer.status!, headers: answer.headers, body: answer.body, ...(expected.operationId ? { operationId: expected.operationId } : {}) });
      const sameBody = r.method === 'HEAD' || answer.body === (expected.body ?? '');
      if (answer.status !== expected.status || !sameBody || (answer.headers['content-type'] ?? undefined) !== contentType(expected)) {
        differences.push(`${r.method} ${r.target.slice(0, 80)} [${r.mutations.join(' | ')}]: HTTP ${answer.status} ${answer.body.slice(0, 80)} vs handler ${expected.status} ${(expected.body ?? '').slice(0, 80)}`);
      }
    }
    console.info(`mock fuzz (loopback HTTP): ${HTTP_COUNT} requests, ${t.fivexx} 5xx, ${t.failures.length} shape violations, ${differences.length} differences from the pure handler`);
    expect(t.fivexx).toBe(0);
    expect(t.failures.slice(0, 10)).toEqual([]);
    expect(differences.slice(0, 10)).toEqual([]);
  });

  it('survives broken HTTP framing with a 4xx or a closed connection, never a 5xx, and keeps serving', async () => {
    const sample = samples.find((s) => s.op.operationId === 'initiateLogout')!;
    const headers = Object.entries(sample.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
    const good = `/api/v2/REF30/logout/Cablevision?redirectUrl=${encodeURIComponent('https://adobe.com')}`;
    const json = (body: string, extra = '') => `POST /api/v2/REF30/decisions/authorize/Cablevision HTTP/1.1\r\nHost: x\r\n${headers}\r\nContent-Type: application/json\r\n${extra}\r\n${body}`;
    const cases: [string, string | Buffer][] = [
      ['bad escape in the request line', `GET /api/v2/REF30/logout/%E0%A4?redirectUrl=%zz HTTP/1.1\r\nHost: x\r\n${headers}\r\n\r\n`],
      ['NUL in the target', `GET /api/v2/REF30/logout/a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['space in the target', `GET /api/v2/REF30/logout/a b HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['unknown method', `FROB ${good} HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['lower-case method', `get ${good} HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['HTTP/0.9 line', `GET ${good}\r\n\r\n`],
      ['HTTP/2 version', `GET ${good} HTTP/2.0\r\nHost: x\r\n\r\n`],
      ['header without a colon', `GET ${good} HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n`],
      ['NUL in a header value', `GET ${good} HTTP/1.1\r\nHost: x\r\nX-Device-Info: e30\u0000=\r\n\r\n`],
      ['CR alone in a header value', `GET ${good} HTTP/1.1\r\nHost: x\r\nAccept: a\rb\r\n\r\n`],
      ['obsolete line folding', `GET ${good} HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n  ,text/html\r\n\r\n`],
      ['bare LF line endings', `GET ${good} HTTP/1.1\nHost: x\n${headers.replace(/\r\n/g, '\n')}\n\n`],
      ['non-ASCII bytes in headers', Buffer.concat([Buffer.from(`GET ${good} HTTP/1.1\r\nHost: x\r\n${headers}\r\nX-Device-Info: `), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from('\r\n\r\n')])],
      ['Content-Length and chunked', json('5\r\n{"a":\r\n0\r\n\r\n', 'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n')],
      ['two different Content-Lengths', json('{}', 'Content-Length: 2\r\nContent-Length: 3\r\n')],
      ['negative Content-Length', json('{}', 'Content-Length: -1\r\n')],
      ['bad chunk size', json('zz\r\n{}\r\n0\r\n\r\n', 'Transfer-Encoding: chunked\r\n')],
      ['chunk size overflow', json('ffffffffffffffffff\r\n{}\r\n0\r\n\r\n', 'Transfer-Encoding: chunked\r\n')],
      ['body shorter than Content-Length, then close', json('{"resources":', 'Content-Length: 100\r\n')],
      ['chunked JSON that is not JSON', json('3\r\n{{{\r\n0\r\n\r\n', 'Transfer-Encoding: chunked\r\n')],
      ['binary body', Buffer.concat([Buffer.from(json('', 'Content-Length: 4\r\n')), Buffer.from([0x00, 0xff, 0xfe, 0x7b])])],
      ['64 KiB of headers', `GET ${good} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`],
      ['a very long target', `GET /api/v2/REF30/logout/${'%41'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n${headers}\r\n\r\n`],
      ['binary garbage', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + 7) % 256))],
      ['a TLS ClientHello', Buffer.from('16030100a5010000a10303', 'hex')],
      ['pipelined good then broken', `GET ${good} HTTP/1.1\r\nHost: x\r\n${headers}\r\n\r\nGET /%zz HTTP/1.1\r\nHost x\r\n\r\n`],
    ];
    const outcomes: string[] = [];
    for (const [name, bytes] of cases) {
      const answer = await rawRequest(port, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1'));
      outcomes.push(`${name}: ${answer.status ?? 'no answer'}`);
      if (answer.status !== undefined) expect(answer.status, name).toBeLessThan(500);
      expect(answer.closed || answer.status !== undefined, `${name}: neither answered nor closed`).toBe(true);
    }
    console.info(`mock broken framing: ${outcomes.join('; ')}`);
    // Still serving.
    const after = await fetch(`${mock.url}${good}`, { headers: sample.headers });
    expect(after.status).toBe(200);
  });
});
