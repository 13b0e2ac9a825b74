// The pass-path speed-ups accept exactly what the plain schemas accept, and the classifier turns
// Ajv's raw errors into one row per real violation.
import { mulberry32 } from '../support/prng.ts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { classify, type Finding } from '../../src/contract/classify.ts';
import { groupFindings, listPattern } from '../../src/contract/group.ts';
import { isConstOneOf, withConstEnums } from '../../src/description/const-enums.ts';
import type { Json, JsonObject } from '../../src/description/document.ts';
import { FAST_PATTERNS, isBase64 } from '../../src/description/fast-base64.ts';
import { fastLengthOk } from '../../src/description/fast-length.ts';
import { DescriptionValidator, usesKeyword } from '../../src/description/validator.ts';
import { FAST_ABSOLUTE_PATH, FAST_ABSOLUTE_URI } from '../../src/description/uri.ts';
import { description } from './support.ts';

const { doc, validator } = description;

const random = mulberry32;

describe('URI fast paths are subsets of the full RFC 3986 formats', () => {
  const ajv = new Ajv2020();
  addFormats.default(ajv);
  const full = ajv.formats as Record<string, unknown>;
  const fullUri = full.uri as (s: string) => boolean;
  const fullRef = full['uri-reference'] as RegExp;
  const rnd = random(42);
  const alphabet = ['a', 'Z', '0', '9', '-', '.', '_', '~', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '=', ':', '@', '/', '?', '#', '%', '%2F', '%G1', ' ', '"', '[', ']', '<', '\\', 'é', 'http://', 'https://x.test', ':8080', '//'];
  const strings = Array.from({ length: 20_000 }, () => Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join(''));

  it('every string the fast uri regex accepts, the full uri format accepts (20,000 seeded strings)', () => {
    const accepted = strings.filter((s) => FAST_ABSOLUTE_URI.test(s));
    expect(accepted.length).toBeGreaterThan(100);
    expect(accepted.filter((s) => !fullUri(s))).toEqual([]);
  });

  it('every string the fast reference regexes accept, the full uri-reference format accepts', () => {
    const accepted = strings.filter((s) => FAST_ABSOLUTE_URI.test(s) || FAST_ABSOLUTE_PATH.test(s));
    expect(accepted.length).toBeGreaterThan(100);
    expect(accepted.filter((s) => !fullRef.test(s))).toEqual([]);
  });

  // URL-shaped strings dense in escapes and broken escapes: the fast regexes take `%XX` in paths, queries and fragments.
  const pick = <T,>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
  const good = ['%2F', '%3a', '%Ab', '%41', 'a', '/', '/', '?', '=', '&', '@', ':', '-', '#'];
  const broken = ['%', '%2', '%G1', '%%', '%2%', '%é', 'é', ' '];
  const starts = ['https://sp.auth.adobe.com', 'http://x.test:8080', 'urn:x', '/', '/%41', '//', ''];
  // One token in 20 is a broken escape or a character no URI has.
  const escaped = Array.from({ length: 20_000 }, () => pick(starts) + Array.from({ length: Math.floor(rnd() * 10) }, () => pick(rnd() < 0.05 ? broken : good)).join(''));

  it('with %-escapes: every string the fast regexes accept, the full formats accept (20,000 seeded strings)', () => {
    const uris = escaped.filter((s) => FAST_ABSOLUTE_URI.test(s));
    const refs = escaped.filter((s) => FAST_ABSOLUTE_URI.test(s) || FAST_ABSOLUTE_PATH.test(s));
    // Enough accepted strings with escapes in them for the comparison to mean something.
    expect(uris.filter((s) => s.includes('%')).length).toBeGreaterThan(500);
    expect(refs.filter((s) => s.startsWith('/') && s.includes('%')).length).toBeGreaterThan(2000);
    expect(uris.filter((s) => !fullUri(s))).toEqual([]);
    expect(refs.filter((s) => !fullRef.test(s))).toEqual([]);
  });

  it('a logout URL with an encoded redirect_url, as Adobe documents it, takes the fast path', () => {
    const documented = JSON.stringify(doc).match(/https:\/\/sp\.auth\.adobe\.com\/adobe-services\/logout\?[^"]*redirect_url=[^"]*%[^"]*/)?.[0];
    expect(documented).toBeDefined();
    expect(FAST_ABSOLUTE_URI.test(documented!)).toBe(true);
    const { pathname, search } = new URL(documented!);
    expect(FAST_ABSOLUTE_PATH.test(pathname + search)).toBe(true);
  });

  it('the validator still rejects what the full format rejects', () => {
    const pointer = '#/components/schemas/ClientCredentials';
    const creds = (uri: string) => ({ client_id: 'a', client_secret: 'b', client_id_issued_at: 1, redirect_uris: [uri], grant_types: [], scopes: [] });
    expect(validator.validate(pointer, creds('https://adobe.com/x?y=1#z')).valid).toBe(true);
    for (const bad of ['https://exa mple.com', 'https://x.test/%G1', 'https://x.test/a?b=%2', 'https://x.test/a#%', 'no-scheme', 'http://[::1', '/relative']) expect(validator.validate(pointer, creds(bad)).valid, bad).toBe(false);
  });
});

describe('length bounds on the pass path count exactly what Ajv counts', () => {
  // Code points: a surrogate pair is one character, a lone surrogate is one too.
  const pieces = ['a', 'é', '\u{1F600}', '\uD800', '\uDC00', '\uDBFF\uDFFF', '\uDC00\uD800', '\0', '='];
  const rnd = random(7);
  const strings = ['', ...Array.from({ length: 4_000 }, () => Array.from({ length: Math.floor(rnd() * 9) }, () => pieces[Math.floor(rnd() * pieces.length)]).join(''))];
  const bounds = [0, 1, 2, 3, 4, 5, 7];
  const schemas: JsonObject = {};
  for (const n of bounds) {
    schemas[`Min${n}`] = { type: 'string', minLength: n };
    schemas[`Max${n}`] = { type: 'string', maxLength: n };
    schemas[`Both${n}`] = { type: 'string', minLength: n, maxLength: n + 2 };
  }
  const v = new DescriptionValidator({ openapi: '3.1.0', paths: {}, components: { schemas } });

  it('the generated keyword (fast validators) agrees with Ajv\'s own (full validators) on 4,001 seeded strings × 21 schemas', () => {
    let differing = 0;
    let passing = 0;
    for (const name of Object.keys(schemas)) {
      const fast = v.testerAt(`#/components/schemas/${name}`);
      const full = v.validatorAt(`#/components/schemas/${name}`);
      for (const s of strings) {
        const expected = full(s) as boolean;
        if (fast(s) !== expected) differing++;
        if (expected) passing++;
      }
    }
    expect(differing).toBe(0);
    // Both answers occur for every kind of bound, so the comparison means something.
    expect(passing).toBeGreaterThan(10_000);
    expect(passing).toBeLessThan(21 * strings.length - 10_000);
  });

  it('fastLengthOk agrees with counting code points', () => {
    const codePoints = (s: string) => [...s].length;
    for (const s of strings) {
      for (const n of bounds) {
        expect(fastLengthOk('minLength', n, s), `min ${n} ${JSON.stringify(s)}`).toBe(codePoints(s) >= n);
        expect(fastLengthOk('maxLength', n, s), `max ${n} ${JSON.stringify(s)}`).toBe(codePoints(s) <= n);
      }
    }
  });
});

describe('base64 on the pass path', () => {
  // The oracles are regexes written here, not the code under test: the base64 regex the check used
  // before, and each description pattern compiled as Ajv compiles it.
  const PREVIOUS = /^[A-Za-z0-9+/]*={0,2}$/;
  const previous = (value: string) => value.length % 4 === 0 && PREVIOUS.test(value) && !/=[^=]/.test(value);
  const rnd = random(11);
  const soup = Array.from({ length: 10_000 }, () => Array.from({ length: Math.floor(rnd() * 10) }, () => ['A', 'z', '0', '+', '/', '=', '==', '-', '_', ' ', 'é'][Math.floor(rnd() * 11)]).join(''));
  // Real base64 of 1–12 bytes and of 1–3,000 bytes (token length), each with one slip (none, a
  // stray `=`, a base64url character, padding removed or doubled, a space, a non-ASCII letter, one character fewer).
  const slips: ((s: string, at: number) => string)[] = [
    (s) => s,
    (s, at) => `${s.slice(0, at)}=${s.slice(at + 1)}`,
    (s, at) => `${s.slice(0, at)}-${s.slice(at + 1)}`,
    (s) => s.replace(/=+$/, ''),
    (s) => `${s}==`,
    (s, at) => `${s.slice(0, at)} ${s.slice(at)}`,
    (s, at) => `${s.slice(0, at)}é${s.slice(at + 1)}`,
    (s) => s.slice(1),
  ];
  const slipped = (count: number, maxBytes: number) => Array.from({ length: count }, (_, i) => {
    const s = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * maxBytes) }, () => Math.floor(rnd() * 256))).toString('base64');
    return slips[i % slips.length]!(s, Math.floor(rnd() * s.length));
  });
  const strings = ['', '=', '==', '===', 'A', 'A=', 'AA==', 'AAA=', 'AAAA', 'A===', '=AAA', 'AA=A', ...soup, ...slipped(10_000, 12), ...slipped(2_000, 3_000)];

  it('isBase64 accepts exactly what the base64 regex accepted (22,012 seeded strings, 2,000 of token length)', () => {
    const accepted = strings.filter(previous);
    expect(accepted.length).toBeGreaterThan(1_000);
    expect(strings.length - accepted.length).toBeGreaterThan(1_000);
    expect(strings.filter((s) => isBase64(s) !== previous(s))).toEqual([]);
  });

  it('each fast pattern accepts exactly what its pattern accepts, and only base64-shaped strings where it says so', () => {
    expect(FAST_PATTERNS.size).toBeGreaterThan(0);
    for (const [pattern, fast] of FAST_PATTERNS) {
      const re = new RegExp(pattern, 'u');
      const accepted = strings.filter((s) => re.test(s));
      expect(accepted.length, pattern).toBeGreaterThan(500);
      expect(strings.length - accepted.length, pattern).toBeGreaterThan(500);
      expect(strings.filter((s) => fast.test(s) !== re.test(s)), pattern).toEqual([]);
      if (fast.base64) expect(accepted.filter((s) => !PREVIOUS.test(s)), pattern).toEqual([]);
    }
  });

  it('every fast pattern is a pattern of the description (the table does not outlive the schemas)', () => {
    const patterns = new Set<string>();
    const walk = (node: Json) => {
      if (!node || typeof node !== 'object') return;
      if (!Array.isArray(node) && typeof node.pattern === 'string') patterns.add(node.pattern);
      for (const v of Object.values(node)) walk(v);
    };
    walk(doc);
    expect([...FAST_PATTERNS.keys()].filter((p) => !patterns.has(p))).toEqual([]);
  });

  it('a media token and a SAML request: the pass path agrees with plain Ajv plus the base64 regex', () => {
    const plain = new Ajv2020({ strict: false });
    addFormats.default(plain);
    plain.addSchema(doc as object, 'https://plain.invalid/o.json');
    const targets = [
      { pointer: '#/components/schemas/MediaToken', wrap: (s: string) => ({ notBefore: 1, notAfter: 2, serializedToken: s }) },
      { pointer: '#/components/schemas/PartnerAuthenticationRequest', wrap: (s: string) => ({ type: 'saml', request: s, attributesNames: ['uid'] }) },
    ];
    for (const { pointer, wrap } of targets) {
      const oracle = plain.compile({ $ref: `https://plain.invalid/o.json${pointer}` });
      const tester = validator.testerAt(pointer);
      let passing = 0;
      const differing = strings.filter((s) => {
        const expected = (oracle(wrap(s)) as boolean) && previous(s);
        if (expected) passing++;
        return tester(wrap(s)) !== expected;
      });
      expect(differing, pointer).toEqual([]);
      expect(passing, pointer).toBeGreaterThan(1_000);
    }
  });
});

describe('oneOf of constants as enum accepts exactly the same values', () => {
  it('over every rewritten oneOf of the description, for each constant and near misses', () => {
    const ajv = new Ajv2020({ strict: false });
    const rewritten: { original: JsonObject; values: Json[] }[] = [];
    const walk = (node: Json) => {
      if (!node || typeof node !== 'object') return;
      if (!Array.isArray(node) && isConstOneOf(node.oneOf)) rewritten.push({ original: node, values: (node.oneOf as JsonObject[]).map((b) => b.const!) });
      for (const v of Object.values(node)) walk(v);
    };
    walk(doc);
    expect(rewritten.length).toBeGreaterThan(10);
    for (const { original, values } of rewritten) {
      const a = ajv.compile(original as object);
      const b = ajv.compile(withConstEnums(original) as object);
      for (const v of [...values, ...values.map((x) => `${String(x)}x`), null, 0, '', 'none ']) expect(b(v), JSON.stringify(v)).toBe(a(v));
    }
  });

  it('the inlined pass-path validators agree with the plain ones on every documented response and on drifted copies', () => {
    const plain = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(plain);
    plain.addSchema(doc as object, 'https://plain.invalid/o.json');
    let checked = 0;
    for (const op of description.operations) {
      for (const ex of op.responseExamples.filter((e) => e.mediaType?.includes('json'))) {
        const fn = plain.compile({ $ref: `https://plain.invalid/o.json${ex.schemaPointer}` });
        const variants: Json[] = [ex.value, { ...(ex.value as JsonObject), extra: 1 }, null, [], 'x'];
        for (const v of variants) {
          expect(validator.testerAt(ex.schemaPointer)(v), `${op.operationId} ${ex.name}`).toBe(fn(v));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(400);
  });
});

describe('rows of one body', () => {
  const finding = (rule: Finding['rule'], pointer: string, expected = 'not in the description'): Finding => ({ rule, pointer, expected, actual: 1, message: `${pointer} ${rule}` });

  it('past 100 rows keeps the breaking ones first, whatever their order, and counts the rest per rule', () => {
    const findings = [...Array.from({ length: 150 }, (_, i) => finding('field-undocumented', `/f${i}`)), finding('field-type', '/x', 'type string')];
    const rows = groupFindings(findings, {}, 100);
    expect(rows.map((r) => [r.rule, r.pointer, r.more, r.unlisted ?? false])).toEqual([
      ['field-type', '/x', 0, false],
      ...Array.from({ length: 99 }, (_, i) => ['field-undocumented', `/f${i}`, 0, false]),
      ['field-undocumented', '/f99', 50, true],
    ]);
  });

  it('groups list items only: an index into a list is `*`, a map key that looks like a number is not', () => {
    const body = { list: [{ a: 1 }, { a: 2 }, { a: 3 }], map: { '0': { a: 1 }, '1': { a: 2 } } };
    expect(listPattern('/list/2/a', body)).toBe('/list/*/a');
    expect(listPattern('/map/1/a', body)).toBe('/map/1/a');
    const rows = groupFindings(['/list/0/a', '/list/1/a', '/list/2/a', '/map/0/a', '/map/1/a'].map((p) => finding('field-type', p, 'type string')), body);
    expect(rows.map((r) => [r.pointer, r.more, r.items])).toEqual([['/list/0/a', 2, '/list/*/a'], ['/map/0/a', 0, undefined], ['/map/1/a', 0, undefined]]);
  });
});

describe('classifier', () => {
  const rows = (pointer: string, value: Json) => classify(validator.errors(pointer, value), value, (s) => validator.pointerOf(s)).map((f) => [f.rule, f.pointer, f.message]);
  const logout = (action: JsonObject) => ({ logouts: { Cablevision: { mvpd: 'Cablevision', ...action } } });

  it('an unknown enum value: one row "`X` is not one of …"', () => {
    expect(rows('#/components/schemas/LogoutResponse', logout({ actionName: 'signout', actionType: 'none' }))).toEqual([
      ['value-not-allowed', '/logouts/Cablevision/actionName', '`"signout"` is not one of `complete`, `invalid`, `logout`, `partner_logout`'],
    ]);
  });

  it('if/then: the rule inside then, not "must match then"', () => {
    expect(rows('#/components/schemas/LogoutResponse', logout({ actionName: 'logout', actionType: 'none', url: 'https://x.test/' }))).toEqual([
      ['value-not-allowed', '/logouts/Cablevision/actionType', '`"none"` is not one of `interactive`'],
    ]);
    expect(rows('#/components/schemas/LogoutResponse', logout({ actionName: 'complete', actionType: 'none', url: 'https://x.test/' }))).toEqual([
      ['field-forbidden', '/logouts/Cablevision/url', '`/logouts/Cablevision/url` must not be present here'],
    ]);
  });

  it('an unknown field: an addition naming the schema to extend', () => {
    const f = classify(validator.errors('#/components/schemas/LogoutResponse', { logouts: {}, extra: true }), { logouts: {}, extra: true }, (s) => validator.pointerOf(s));
    expect(f).toEqual([expect.objectContaining({ rule: 'field-undocumented', pointer: '/extra', hint: 'add an optional property `extra` (boolean) to `#/components/schemas/LogoutResponse`' })]);
  });

  it('contentEncoding base64 is asserted', () => {
    const v = new DescriptionValidator({ openapi: '3.1.0', paths: {}, components: { schemas: {
      T: { type: 'string', contentEncoding: 'base64' },
      U: { type: 'string', contentEncoding: 'base32' },
      // A pattern that is not one of the base64 patterns leaves the characters to the encoding check.
      V: { type: 'string', pattern: '^[a-z0-9!=]+$', contentEncoding: 'base64' },
    } } });
    expect(v.validate('#/components/schemas/T', 'e30=').valid).toBe(true);
    expect(v.testerAt('#/components/schemas/T')('e30')).toBe(false);
    expect(v.testerAt('#/components/schemas/T')('e3!=')).toBe(false);
    expect(v.testerAt('#/components/schemas/V')('e30=')).toBe(true);
    expect(v.testerAt('#/components/schemas/V')('e3!=')).toBe(false);
    // Other encodings stay annotations, as JSON Schema says.
    expect(v.testerAt('#/components/schemas/U')('not base32!')).toBe(true);
    expect(v.validate('#/components/schemas/T', 'PHNpZ25hdHVyZUluZm8...').violations).toEqual([{ path: '', message: 'must be base64-encoded', keyword: 'contentEncoding' }]);
  });
});

describe('a relative Location where the description says uri', () => {
  it('is a note (HTTP allows it), judged resolved against the request URL', async () => {
    const { ResponseChecker } = await import('../../src/contract/check-response.ts');
    const { listOperations } = await import('../../src/description/document.ts');
    const doc = {
      openapi: '3.1.0', info: { title: 't', version: '1' },
      paths: { '/go': { get: { operationId: 'go', responses: { 302: { description: 'redirect', headers: { Location: { required: true, schema: { type: 'string', format: 'uri' } } } } } } } },
      components: {},
    } as unknown as import('../../src/description/document.ts').OpenApiDocument;
    const checker = new ResponseChecker(doc, new DescriptionValidator(doc));
    const op = listOperations(doc)[0]!;
    const check = (location: string) => checker.check(op, { status: 302, headers: new Headers({ Location: location }), body: '', url: 'https://sp.auth.adobe.com/go' }).map((d) => [d.tier, d.rule]);
    expect(check('/next?x=1')).toEqual([['note', 'location-relative']]);
    expect(check('https://idp.test/login')).toEqual([]);
    expect(check('http://exa mple.com/')).toEqual([['breaking', 'header-invalid']]);
  });
});

describe('the checker remembers what it worked out per response, without changing a verdict', () => {
  it('Content-Type values, many more than it keeps, each judged as a fresh checker judges it', async () => {
    const { ResponseChecker } = await import('../../src/contract/check-response.ts');
    const op = description.operations.find((o) => o.operationId === 'retrieveConfiguration')!;
    const example = op.responseExamples.find((e) => e.status === '200' && e.mediaType === 'application/json')!;
    const body = JSON.stringify(example.value);
    // Expectation from the description: the media type (parameters and case aside) is a documented key.
    const documented = Object.keys((((op.node.responses as JsonObject)['200'] as JsonObject).content as JsonObject)).map((m) => m.toLowerCase());
    const kept = new ResponseChecker(doc, validator);
    const types: string[] = [];
    for (let i = 0; i < 30; i++) types.push(`application/json; charset=utf-${i}`, `Application/JSON;v=${i}`, `text/html; v=${i}`, `application/jsonx;q=${i}`);
    types.push('', 'application/json');
    let passed = 0;
    for (const round of [1, 2]) {
      for (const type of types) {
        const headers = new Headers(type ? { 'Content-Type': type } : {});
        const rules = kept.check(op, { status: 200, headers, body }).map((d) => d.rule);
        const fresh = new ResponseChecker(doc, validator).check(op, { status: 200, headers, body }).map((d) => d.rule);
        const mediaType = type.split(';')[0]!.trim().toLowerCase();
        expect(rules, `round ${round}: ${type}`).toEqual(fresh);
        expect(rules, `round ${round}: ${type}`).toEqual(documented.includes(mediaType) ? [] : ['media-type-undocumented']);
        if (rules.length === 0) passed++;
      }
    }
    expect(passed).toBe(2 * (30 * 2 + 1));
  });

  it('a status seen before an undocumented one, and after it, keeps its own plan', async () => {
    const { ResponseChecker } = await import('../../src/contract/check-response.ts');
    const op = description.operations.find((o) => o.operationId === 'retrieveConfiguration')!;
    const documented = Object.keys(op.node.responses as JsonObject);
    const checker = new ResponseChecker(doc, validator);
    const body = JSON.stringify(op.responseExamples.find((e) => e.status === '200' && e.mediaType === 'application/json')!.value);
    const headers = new Headers({ 'Content-Type': 'application/json' });
    // 1000 and 99 are not HTTP statuses a host should send; each still gets its own verdict.
    for (const status of [200, 299, 200, 599, 1000, 99, 200, 1000]) {
      const rules = checker.check(op, { status, headers, body }).map((d) => d.rule);
      expect(rules, String(status)).toEqual(documented.includes(String(status)) || documented.includes(`${String(status)[0]}XX`) || documented.includes('default') ? [] : ['status-undocumented']);
    }
  });
});

describe('pass-path validators drop bookkeeping only for keywords the document never uses', () => {
  // Ajv2020 always tracks evaluated properties (for unevaluatedProperties) and dynamic anchors
  // (for $dynamicRef); the pass path turns each off when the document has no keyword needing it.
  const tiny = (schemas: JsonObject) => new DescriptionValidator({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {}, components: { schemas } } as never);

  it('a document with unevaluatedProperties keeps the tracking: properties evaluated by allOf or if/then count', () => {
    const Session = {
      type: 'object',
      allOf: [{ properties: { id: { type: 'string' } } }],
      if: { properties: { kind: { const: 'a' } }, required: ['kind'] },
      then: { properties: { kind: true, url: { type: 'string' } } },
      unevaluatedProperties: false,
    };
    const test = tiny({ Session }).testerAt('#/components/schemas/Session');
    // By hand: id is evaluated by allOf, kind and url by if/then when kind is "a"; nothing else is.
    expect(test({ id: 'x', kind: 'a', url: 'u' })).toBe(true);
    expect(test({ id: 'x', extra: 1 })).toBe(false);
    expect(test({ id: 'x', kind: 'b', url: 'u' })).toBe(false);
    // And as plain Ajv 2020 answers, on more shapes (Ajv forgets allOf's `id` when `if` fails: we follow it).
    const plain = new Ajv2020({ strict: false }).compile(Session);
    for (const value of [{ id: 'x' }, { id: 'x', kind: 'b' }, { kind: 'a' }, { id: 1 }, {}, { url: 'u' }]) expect(test(value), JSON.stringify(value)).toBe(plain(value));
  });

  it('a document with $dynamicRef keeps dynamic anchors: the extending schema decides for nested nodes', () => {
    const test = tiny({
      Tree: { $id: 'https://t.invalid/tree', $dynamicAnchor: 'node', type: 'object', properties: { data: true, children: { type: 'array', items: { $dynamicRef: '#node' } } } },
      StrictTree: { $id: 'https://t.invalid/strict-tree', $dynamicAnchor: 'node', $ref: 'tree', unevaluatedProperties: false },
    }).testerAt('#/components/schemas/StrictTree');
    expect(test({ data: 1, children: [{ data: 2, children: [] }] })).toBe(true);
    expect(test({ data: 1, children: [{ data: 2, extra: 1 }] })).toBe(false);
  });

  it('our description uses neither, so its validators run without both', () => {
    expect(usesKeyword(doc, ['unevaluatedProperties', 'unevaluatedItems', '$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor'])).toBe(false);
    expect(usesKeyword({ a: [{ b: { unevaluatedItems: false } }] }, ['unevaluatedItems'])).toBe(true);
  });
});

describe('additionalProperties: false on the pass path answers as Ajv\'s own keyword', () => {
  it('for the property lists of every closed object schema of the description, on seeded keys and look-alikes', () => {
    // Every closed object schema's property names, kept as a schema whose properties accept anything,
    // so that only the additional-property check decides.
    const lists: string[][] = [];
    const walk = (node: Json) => {
      if (!node || typeof node !== 'object') return;
      if (!Array.isArray(node) && node.additionalProperties === false && node.properties && typeof node.properties === 'object') lists.push(Object.keys(node.properties));
      for (const v of Object.values(node)) walk(v);
    };
    walk(doc);
    // Ajv itself switches to a different lookup above 8 properties: both sides must be covered.
    expect(lists.filter((l) => l.length > 8).length).toBeGreaterThanOrEqual(3);
    expect(lists.filter((l) => l.length <= 8).length).toBeGreaterThanOrEqual(3);
    lists.push([], ['__proto__', 'a']);
    const schemas = Object.fromEntries(lists.map((names, i) => [`S${i}`, { type: 'object', properties: Object.fromEntries(names.map((n) => [n, true])), additionalProperties: false }]));
    const fast = new DescriptionValidator({ openapi: '3.1.0', paths: {}, components: { schemas } } as never);
    const plain = new Ajv2020({ strict: false });
    const rnd = random(7);
    let compared = 0;
    lists.forEach((names, i) => {
      const test = fast.testerAt(`#/components/schemas/S${i}`);
      const stock = plain.compile(schemas[`S${i}`]!);
      const keys = [...names, ...names.map((n) => `${n}x`), ...names.map((n) => n.slice(0, -1)), ...names.map((n) => n.toUpperCase()), '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'é'];
      for (let k = 0; k < 40; k++) {
        const chosen = keys.filter(() => rnd() < 0.15);
        // As JSON.parse does for a response body, `__proto__` becomes an own key, not the prototype.
        const value: Record<string, number> = {};
        for (const key of chosen) Object.defineProperty(value, key, { value: 1, enumerable: true, configurable: true, writable: true });
        expect(test(value), `${JSON.stringify(chosen)} against [${names.join(', ')}]`).toBe(stock(value));
        compared++;
      }
    });
    expect(compared).toBeGreaterThan(1000);
  });
});
