// The HAR redactor's JWT rule: a JWT (or its first two parts) anywhere in free text becomes its
// reference. Checked against the regular expression it replaced, which is written out here, on
// random texts made of JWT-like pieces; and on a hostile body of `eyJeyJ…` (quadratic for that
// expression; bench/redact.ts times both).
import { describe, expect, it } from 'vitest';
import { HarRedactor } from '../../src/http/har-redact.ts';

const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g;
const key = Buffer.alloc(32, 7);

describe('HarRedactor: JWTs in free text', () => {
  it('replaces what the JWT expression matches, on 3,000 random texts of JWT-like pieces', () => {
    let seed = 0x1a2b3c;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const pieces = ['eyJ', 'eyJh', 'bGci', 'ab', 'x', '.', '.', '-', '_', ' ', '%20', '"', 'Bearer ', '12345', 'eyJhbGciOiJSUzI1NiJ9'];
    let replaced = 0;
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: 1 + next(40) }, () => pieces[next(pieces.length)]).join('');
      const reference = new HarRedactor({ key });
      const expected = text.replace(JWT, (jwt) => reference.ref(jwt));
      expect(new HarRedactor({ key }).text(text), text).toBe(expected);
      if (expected !== text) replaced++;
    }
    expect(replaced).toBeGreaterThan(300);
  });

  it('a JWT after %20, glued to what precedes it, with two or three parts (an empty third one too), and one cut short', () => {
    const r = new HarRedactor({ key });
    const [a, b] = ['eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ'];
    expect(r.text(`auth=Bearer%20${a}&x=1 then ${b}. and eyJhbGci.abc`)).toBe(`auth=Bearer%20${r.ref(a)}&x=1 then ${r.ref(`${b}.`)} and eyJhbGci.abc`);
    expect(r.text(`xxeyJ${'eyJ'.repeat(3)}.abcd`)).toBe(`xx${r.ref(`eyJ${'eyJ'.repeat(3)}.abcd`)}`);
  });

  it('a hostile body of 40,000 `eyJ` with no dot is left as it is', () => {
    const body = 'eyJ'.repeat(40_000);
    expect(new HarRedactor({ key }).text(body)).toBe(body);
    expect(new HarRedactor({ key }).text(`${body}.abcd`)).toMatch(/^\[redacted:[0-9a-f]{8}\]$/);
  });
});
