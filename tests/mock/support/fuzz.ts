// A seeded generator of malformed requests for the mock: each starts from a documented request
// sample of an operation and breaks one to three things about it (escapes, media types, base64 JSON
// headers, bodies, Prefer, methods, targets), the way a careless or hostile client would.
import { mulberry32 } from '../../support/prng.ts';
import type { Json, Operation } from '../../../src/description/document.ts';
import type { MockRequest } from '../../../src/mock/handler.ts';

/** mulberry32: small, fast, good enough to spread mutations; the same seed gives the same requests. */
export function prng(seed: number): () => number {
  return mulberry32(seed);
}

export interface FuzzRequest extends MockRequest {
  operationId: string;
  /** What was broken, for failure messages. */
  mutations: string[];
  headers: Record<string, string | string[]>;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

const BAD_ESCAPES = ['%', '%2', '%zz', '%E0%A4', '%C0%AF', '%FF', '%ED%A0%80', '%%', '%u0041', 'a%', '%0', '%g0'];
const ODD_SEGMENTS = ['%00', '%2F', '..', '.', '%20', '~', '%25', 'a'.repeat(300), 'é', '%F0%9F%98%80', '%2e%2e', ';x=1', ' '];
const CONTENT_TYPES = ['', ';', 'application/', '/json', 'application/json;', 'application/json; charset', 'application/json;;', 'application/json; charset="utf-8',
  'text/plain', 'multipart/form-data; boundary=', 'application/x-www-form-urlencoded; charset="', 'application/json, text/plain', 'ÿ/ÿ', 'application/json; q=0.5; a',
  'application/json;charset=utf-8', 'APPLICATION/JSON', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=UTF-8', '*/*', 'application/*', 'a b/c d'];
const ACCEPTS = ['', ',', ',,,', 'application/json;q=2', 'application/json;q=abc', 'application/json;q=0', 'text/html', '*/*;q=0', 'application/json;', ';;;', 'application/json; charset="utf-8',
  'a/b/c', 'application', 'application/json;q=0.5, text/*;q=0.1', 'text/html, application/xhtml+xml, */*;q=0.8', 'application/json;charset=utf-8', 'image/*', '*/json', 'application/json q=1', '\t'];
const BASE64_JSON_HEADERS = ['X-Device-Info', 'AP-Partner-Framework-Status', 'AP-TempPass-Identity'];
const BASE64_VALUES = ['', 'e30', 'e30==', 'e30=', '!!!!', '====', 'not base64', b64('not json'), b64('[]'), b64('"text"'), b64('null'), b64('{"model":1}'),
  b64('{"frameworkPermissionInfo":{"accessStatus":"maybe"}}'), b64('{"email":"not-an-email"}'), b64('{'), b64('\u0000'), Buffer.from([0xff, 0xfe, 0x00]).toString('base64'), 'A'.repeat(4096),
  b64(JSON.stringify({ model: 'x', version: '1', osName: 'tvOS', osVersion: '1', connectionType: 'WiFi', extra: { deep: [1, 2, 3] } })), `${b64('{}')}${b64('{}')}`];
const DEVICE_IDENTIFIERS = ['', 'fingerprint', 'fingerprint ', 'fingerprint !!', 'serial ZGV2aWNl', 'FINGERPRINT ZGV2aWNl', 'fingerprint ZGV2aWNl ZGV2aWNl', 'fingerprint\tZGV2aWNl'];
const AUTHORIZATIONS = ['', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer t', 'Bearer  t', 'Bearer t t', 'Token t', 'Bearer \u00ff'];
const PREFERS = ['example=noSuchExample', 'code=999', 'code=abc', 'code=', 'example=', 'example="unterminated', 'code=200, example=logoutDegraded', 'dynamic=true', 'code=418',
  'example=registerInvalidRequest', 'code=200;example=x', ',,,', 'code=429', 'example=throttled', 'code=302', 'example=authenticateRedirectToMvpd', 'code=404', 'code=099'];
// Not `code=500`: asking for the documented 500 is a well-formed request for a documented situation.
const JSON_BODIES = ['', '{', '{"a":', '[]', 'null', '"text"', '42', '{}', '{"resources":"REF30"}', '{"resources":[]}', '{"resources":[1,2]}', '{"software_statement":123}',
  `{"x":${'['.repeat(200)}${']'.repeat(200)}}`, '\u00ff\u00fe', '{"a":1}{"b":2}', '{"resources":["REF30"],"extra":true}'];
const FORM_BODIES = ['', '=', '&&&', 'a=%', '%%%', 'mvpd=%E0%A4', 'mvpd=Cablevision&mvpd=Dish', 'client_id=&client_secret=', 'grant_type=password', 'SAMLResponse=%zz',
  'mvpd=' + 'x'.repeat(2000), 'redirectUrl=not a url&domainName=', 'a=1;b=2', '+=+'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'get', 'Post'];
// Node keeps the first of repeated singleton headers and joins the others with ", ": repeat only those it joins.
const SINGLETONS = new Set(['user-agent', 'authorization', 'content-type']);
const NOISE_HEADERS: Record<string, string | string[]> = { 'x-unknown': 'x', 'ap-visitor-identifier': '"quoted"', 'x-forwarded-for': 'not an ip', 'user-agent': '', 'adobe-subject-token': 'a.b', 'ad-service-token': 'not.a.jws', 'x-roku-reserved-roku-connect-token': '' };

export interface Sample {
  op: Operation;
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: { mediaType: string; value: Json };
}

/** Every documented request sample of every operation, as a starting point for mutations. */
export function samplesOf(operations: Operation[]): Sample[] {
  return operations.flatMap((op) =>
    Object.entries(op.requestExamples).map(([name, ex]) => ({
      op, path: { ...ex.path }, query: { ...ex.query }, headers: { ...ex.headers },
      ...(op.requestBody && name in op.requestBody.examples ? { body: { mediaType: op.requestBody.mediaType, value: op.requestBody.examples[name]! } } : {}),
    })),
  );
}

function form(value: Json): string {
  return new URLSearchParams(Object.entries(value as Record<string, Json>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
}

/** A generator of `count` malformed requests, spread over `samples` round-robin so every operation gets its share. */
export function* malformedRequests(samples: Sample[], count: number, seed: number): Generator<FuzzRequest> {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  // Round-robin over operations (not samples), so an operation with many samples is not favoured.
  const byOp = new Map<string, Sample[]>();
  for (const s of samples) byOp.set(s.op.operationId, [...(byOp.get(s.op.operationId) ?? []), s]);
  const ops = [...byOp.values()];
  for (let i = 0; i < count; i++) {
    const sample = pick(ops[i % ops.length]!);
    const op = sample.op;
    const path = { ...sample.path };
    let rawQuery = new URLSearchParams(sample.query).toString();
    const headers: Record<string, string | string[]> = Object.fromEntries(Object.entries(sample.headers).map(([k, v]) => [k.toLowerCase(), v]));
    let method = op.method.toUpperCase();
    let bodyText = sample.body ? (sample.body.mediaType.includes('json') ? JSON.stringify(sample.body.value) : form(sample.body.value)) : undefined;
    if (sample.body) headers['content-type'] = sample.body.mediaType;
    const rawSegments: Record<string, string> = {};
    let targetStyle: 'origin' | 'absolute' | 'double-slash' | 'fragment' | 'trailing' = 'origin';
    const mutations: string[] = [];
    const params = Object.keys(path);

    const n = 1 + Math.floor(random() * 3);
    for (let m = 0; m < n; m++) {
      const kind = Math.floor(random() * 14);
      switch (kind) {
        case 0: case 1: {
          if (!params.length) break;
          const p = pick(params);
          rawSegments[p] = random() < 0.7 ? pick(BAD_ESCAPES) + (random() < 0.5 ? encodeURIComponent(path[p]!) : '') : pick(ODD_SEGMENTS);
          mutations.push(`path ${p}=${rawSegments[p]!.slice(0, 20)}`);
          break;
        }
        case 2: {
          const extra = pick([`redirectUrl=${pick(BAD_ESCAPES)}`, `${pick(BAD_ESCAPES)}=1`, 'redirectUrl=not%20a%20url', 'redirectUrl=', '&&=&', 'profile=%', 'redirectUrl=https://a.example&redirectUrl=https://b.example', '__code=500']);
          rawQuery = random() < 0.5 ? extra : [rawQuery, extra].filter(Boolean).join('&');
          mutations.push(`query ${rawQuery.slice(0, 30)}`);
          break;
        }
        case 3: {
          headers['content-type'] = pick(CONTENT_TYPES);
          if (bodyText === undefined && random() < 0.5) bodyText = pick([...JSON_BODIES, ...FORM_BODIES]);
          mutations.push(`content-type ${headers['content-type']}`);
          break;
        }
        case 4: {
          headers.accept = pick(ACCEPTS);
          mutations.push(`accept ${headers.accept}`);
          break;
        }
        case 5: case 6: {
          const h = pick(BASE64_JSON_HEADERS).toLowerCase();
          headers[h] = pick(BASE64_VALUES);
          mutations.push(`${h} ${String(headers[h]).slice(0, 20)}`);
          break;
        }
        case 7: {
          headers['ap-device-identifier'] = pick(DEVICE_IDENTIFIERS);
          mutations.push(`ap-device-identifier ${headers['ap-device-identifier']}`);
          break;
        }
        case 8: {
          if (random() < 0.5) {
            headers.authorization = pick(AUTHORIZATIONS);
            mutations.push(`authorization ${headers.authorization}`);
          } else {
            const names = Object.keys(headers);
            if (!names.length) break;
            const h = pick(names);
            delete headers[h];
            mutations.push(`drop header ${h}`);
          }
          break;
        }
        case 9: case 10: {
          const json = random() < 0.5;
          bodyText = pick(json ? JSON_BODIES : FORM_BODIES);
          if (random() < 0.3) headers['content-type'] = json ? 'application/json' : 'application/x-www-form-urlencoded';
          mutations.push(`body ${bodyText.slice(0, 20)}`);
          break;
        }
        case 11: {
          headers.prefer = pick(PREFERS);
          mutations.push(`prefer ${headers.prefer}`);
          break;
        }
        case 12: {
          if (random() < 0.5) {
            method = pick(METHODS);
            mutations.push(`method ${method}`);
          } else {
            targetStyle = pick(['absolute', 'double-slash', 'fragment', 'trailing'] as const);
            mutations.push(`target ${targetStyle}`);
          }
          break;
        }
        default: {
          const [name, value] = pick(Object.entries(NOISE_HEADERS));
          headers[name] = random() < 0.2 && !SINGLETONS.has(name) ? [String(value), String(value)] : value;
          mutations.push(`header ${name}`);
        }
      }
    }
    let target = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => rawSegments[name] ?? encodeURIComponent(path[name] ?? ''));
    if (targetStyle === 'trailing') target += '/';
    if (targetStyle === 'double-slash') target = `/${target}`;
    if (rawQuery) target += `?${rawQuery}`;
    if (targetStyle === 'fragment') target += '#frag';
    if (targetStyle === 'absolute') target = `http://mock.example${target}`;
    yield {
      operationId: op.operationId, mutations, method, target, headers,
      ...(bodyText !== undefined ? { body: Buffer.from(bodyText, 'utf8') } : {}),
    };
  }
}
