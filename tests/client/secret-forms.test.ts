// The redaction core every redactor shares: the forms a secret is learned in, the minimum length,
// longest first, overlapping echoes as one, forgetting the oldest (and never a kept one). Expected
// forms are written out by hand or printed by other languages' encoders; base64 inside longer
// base64 text is checked against Node's own encoder (Buffer), random texts against a reference
// written in the test, not ours.
import { describe, expect, it } from 'vitest';
import { encodedForms, MIN_SECRET_LENGTH, SecretForms } from '../../packages/client/src/secret-forms.ts';

/** Learns `secret`, then expects each named echo in a text (`name=echo;`) to be replaced whole and nothing else to change. */
function expectEveryEchoReplaced(secret: string, echoes: Record<string, string>): void {
  const forms = new SecretForms();
  forms.learn(secret);
  const text = Object.entries(echoes).map(([k, v]) => `${k}=${v};`).join(' ');
  expect(forms.replace(text)).toBe(Object.keys(echoes).map((k) => `${k}=[redacted];`).join(' '));
}

describe('SecretForms', () => {
  it('learns a secret as is, %-encoded (upper- and lower-case hex), form-encoded, JSON-escaped (also \\uXXXX), base64, and each with \\/ for /; then JSON in JSON', () => {
    const all = encodedForms('a b/c"é+d');
    expect(all.slice(0, 21)).toEqual([
      'a b/c"é+d',
      'a b\\/c"é+d',
      // %-encoded (encodeURIComponent), then with lower-case hex; with / kept (Python's quote), in
      // both cases; form-encoded, in both cases. (RFC 3986's stricter form is the same here.)
      'a%20b%2Fc%22%C3%A9%2Bd',
      'a%20b%2fc%22%c3%a9%2bd',
      'a%20b/c%22%C3%A9%2Bd',
      'a%20b\\/c%22%C3%A9%2Bd',
      'a%20b/c%22%c3%a9%2bd',
      'a%20b\\/c%22%c3%a9%2bd',
      'a+b%2Fc%22%C3%A9%2Bd',
      'a+b%2fc%22%c3%a9%2bd',
      // JSON: JSON.stringify's, Python's (é as \u00e9), .NET's (", é and + as \uXXXX, upper case).
      'a b/c\\"é+d',
      'a b\\/c\\"é+d',
      'a b/c\\"\\u00e9+d',
      'a b\\/c\\"\\u00e9+d',
      'a b/c\\u0022\\u00E9\\u002Bd',
      'a b\\/c\\u0022\\u00E9\\u002Bd',
      // base64 of the UTF-8 bytes, padded and not; then what shows of it after 0, 1 and 2 other bytes.
      'YSBiL2Miw6krZA==',
      'YSBiL2Miw6krZA',
      'YSBiL2Miw6krZ',
      'EgYi9jIsOpK2',
      'hIGIvYyLDqStk',
    ]);
    // Then JSON in JSON: every JSON form that escapes something (the six above), inside a JSON
    // string again as each encoder writes it. Some of them, written out:
    expect(all.slice(21)).toEqual(expect.arrayContaining([
      'a b/c\\\\\\"é+d', // JSON.stringify twice
      'a b\\\\\\/c\\\\\\"\\\\u00e9+d', // PHP's json_encode twice
      'a b/c\\\\\\"\\\\u00e9+d', // Python's json.dumps twice
      'a b/c\\\\u0022\\\\u00E9\\\\u002Bd', // System.Text.Json twice
      'a b/c\\\\\\u0022\\u00E9\\u002Bd', // JSON.stringify, then System.Text.Json (\ as \\, " é + as \uXXXX)
    ]));
    expect(all.slice(21).every((f) => f.includes('\\\\'))).toBe(true);
    // Nothing to escape, and no + or / in its base64 (so base64url is the same).
    expect(encodedForms('plainvalue')).toEqual(['plainvalue', 'cGxhaW52YWx1ZQ==', 'cGxhaW52YWx1ZQ', 'cGxhaW52YWx1Z', 'BsYWludmFsdW', 'wbGFpbnZhbHVl']);
    // base64url where base64 has + and /: '>>>?' is Pj4+Pw, '???' is Pz8/.
    expect(encodedForms('>>>???>>>???')).toEqual(expect.arrayContaining(['Pj4+Pz8/Pj4+Pz8/', 'Pj4-Pz8_Pj4-Pz8_', 'Pj4+Pz8\\/Pj4+Pz8\\/']));
  });

  // Echoes as other servers' encoders write them. The %-forms were printed by Python 3
  // (urllib.parse.quote with safe='' and default, quote_plus) and Java (URLEncoder.encode), or
  // follow PHP's urlencode (php_url_encode: letters, digits and -._ kept, upper-case hex) and
  // .NET's HttpUtility / WebUtility.UrlEncode (IsUrlSafeChar: also !*() kept; lower- / upper-case hex); the
  // JSON forms are Python's json.dumps, PHP's json_encode, Go's encoding/json (<>& as \u003c) and
  // .NET's System.Text.Json (<>&'"`+ and non-ASCII as \u002B, upper-case hex), as each documents.
  it('replaces the secret %-encoded with lower-case hex, RFC 3986-encoded, form-encoded by PHP and .NET, and JSON-escaped with \\uXXXX', () => {
    const secret = 'a+b/c<é>"!*~ x';
    const echoes = {
      lowerHex: 'a%2bb%2fc%3c%c3%a9%3e%22!*~%20x',
      pythonQuoteStrict: 'a%2Bb%2Fc%3C%C3%A9%3E%22%21%2A~%20x',
      pythonQuote: 'a%2Bb/c%3C%C3%A9%3E%22%21%2A~%20x',
      pythonQuotePlus: 'a%2Bb%2Fc%3C%C3%A9%3E%22%21%2A~+x',
      javaUrlEncoderLower: 'a%2bb%2fc%3c%c3%a9%3e%22%21*%7e+x',
      phpUrlencode: 'a%2Bb%2Fc%3C%C3%A9%3E%22%21%2A%7E+x',
      dotnetHttpUtility: 'a%2bb%2fc%3c%c3%a9%3e%22!*%7e+x',
      dotnetWebUtility: 'a%2Bb%2Fc%3C%C3%A9%3E%22!*%7E+x',
      pythonJson: 'a+b/c<\\u00e9>\\"!*~ x',
      phpJson: 'a+b\\/c<\\u00e9>\\"!*~ x',
      goJson: 'a+b/c\\u003cé\\u003e\\"!*~ x',
      dotnetJson: 'a\\u002Bb/c\\u003C\\u00E9\\u003E\\u0022!*~ x',
    };
    expectEveryEchoReplaced(secret, echoes);
  });

  // JSON inside a JSON string (a server that puts the request's JSON body into its JSON error
  // message), each layer written by one of the encoders above: the inner layer's escapes are
  // escaped again by the outer one (\ as \\, " as \", and PHP's / as \/ on either layer).
  it('replaces the secret JSON-escaped twice, whichever encoders wrote the two layers', () => {
    const secret = 'a+b/c<é>"!*~ x';
    const echoes = {
      javascript: 'a+b/c<é>\\\\\\"!*~ x',
      python: 'a+b/c<\\\\u00e9>\\\\\\"!*~ x',
      php: 'a+b\\\\\\/c<\\\\u00e9>\\\\\\"!*~ x',
      phpInJavascript: 'a+b\\\\/c<\\\\u00e9>\\\\\\"!*~ x',
      javascriptInPhp: 'a+b\\/c<\\u00e9>\\\\\\"!*~ x',
      javascriptInDotnet: 'a\\u002Bb/c\\u003C\\u00E9\\u003E\\\\\\u0022!*~ x',
      go: 'a+b/c\\\\u003cé\\\\u003e\\\\\\"!*~ x',
      dotnet: 'a\\\\u002Bb/c\\\\u003C\\\\u00E9\\\\u003E\\\\u0022!*~ x',
    };
    expectEveryEchoReplaced(secret, echoes);
  });

  it('replaces every form of what it learned', () => {
    const forms = new SecretForms();
    forms.learn('a b/c"é+d');
    const echo = 'raw a b/c"é+d, url a%20b%2Fc%22%C3%A9%2Bd, form a+b%2Fc%22%C3%A9%2Bd, json {"v":"a b/c\\"é+d"}, php {"v":"a b\\/c\\"é+d"}, base64 YSBiL2Miw6krZA==';
    expect(forms.replace(echo)).toBe('raw [redacted], url [redacted], form [redacted], json {"v":"[redacted]"}, php {"v":"[redacted]"}, base64 [redacted]');
  });

  it('replaces the secret inside longer base64 and base64url text, at every byte offset, leaving only boundary characters', () => {
    // Random secrets and neighbours, so that + and / (and - and _) occur. Every character of the
    // encoding that carries a bit of the secret changes when all its bits are flipped.
    let seed = 0x2f6e2b1;
    const byte = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
    const random = (n: number) => Uint8Array.from({ length: n }, byte);
    const forms = new SecretForms();
    const secrets: Buffer[] = [];
    for (let i = 0; i < 20; i++) {
      // Printable ASCII, as secrets and tokens are.
      const secret = Buffer.from(random(MIN_SECRET_LENGTH + i).map((b) => 33 + (b % 94)));
      secrets.push(secret);
      forms.learn(secret.toString('latin1'));
    }
    let checked = 0;
    for (const secret of secrets) {
      const flipped = Buffer.from(secret.map((b) => b ^ 0xff));
      for (let before = 0; before < 6; before++) {
        for (let after = 0; after < 4; after++) {
          const [head, tail] = [Buffer.from(random(before)), Buffer.from(random(after))];
          for (const encoding of ['base64', 'base64url'] as const) {
            const text = Buffer.concat([head, secret, tail]).toString(encoding);
            const other = Buffer.concat([head, flipped, tail]).toString(encoding);
            let lo = 0;
            while (text[lo] === other[lo]) lo++;
            let hi = text.length;
            while (text[hi - 1] === other[hi - 1]) hi--;
            const out = forms.replace(text);
            // Kept: what carries no bit of the secret, and at most the one character on each side
            // that mixes the secret's first or last bits with a neighbour's.
            expect(out.startsWith(text.slice(0, lo))).toBe(true);
            // (A standalone secret's padding goes with it.)
            const [unpadded, kept] = [text.slice(hi).replace(/=+$/, ''), out.replace(/=+$/, '')];
            expect(kept.endsWith(unpadded)).toBe(true);
            expect(kept.length - lo - unpadded.length).toBeLessThanOrEqual('[redacted]'.length + 2);
            expect(out).toContain('[redacted]');
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(20 * 6 * 4 * 2);
  });

  it('replaces an echo wrapped across lines (MIME at 76 with CRLF, Python\'s encodebytes at 76, PEM at 64; real breaks and JSON escapes), wherever the breaks fall, and keeps every break outside it', () => {
    let seed = 0x51c3a7;
    const byte = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
    const random = (n: number) => Buffer.from(Uint8Array.from({ length: n }, byte));
    const secret = Buffer.from(random(30).map((b) => 33 + (b % 94)));
    const flipped = Buffer.from(secret.map((b) => b ^ 0xff));
    const forms = new SecretForms();
    forms.learn(secret.toString('latin1'));
    let checked = 0;
    for (const [width, eol] of [[76, '\r\n'], [76, '\n'], [64, '\n']] as const) {
      const wrap = (b64: string) => b64.match(new RegExp(`.{1,${width}}`, 'g'))!.join(eol);
      /** Where the character at `k` of the unwrapped text sits in the wrapped one. */
      const pos = (k: number) => k + Math.floor(k / width) * eol.length;
      // The secret starts at every character of a line: the breaks fall everywhere inside it.
      for (let before = 0; before < (width / 4) * 3; before++) {
        const [head, tail] = [random(before), random(60)];
        const text = Buffer.concat([head, secret, tail]).toString('base64');
        const other = Buffer.concat([head, flipped, tail]).toString('base64');
        let lo = 0;
        while (text[lo] === other[lo]) lo++;
        let hi = text.length;
        while (text[hi - 1] === other[hi - 1]) hi--;
        const wrapped = wrap(text);
        const out = forms.replace(wrapped);
        // Before and after the echo, the text is as it was, line breaks included.
        const [kept, keptAfter] = [wrapped.slice(0, pos(lo)), wrapped.slice(pos(hi - 1) + 1)];
        expect(out.startsWith(kept)).toBe(true);
        expect(out.endsWith(keptAfter)).toBe(true);
        // In between: the replacement, at most one character each side that mixes the secret's
        // first or last bits with a neighbour's, and the breaks around those.
        const middle = out.slice(kept.length, out.length - keptAfter.length);
        expect(middle).toContain('[redacted]');
        expect(middle.replace(/[\r\n]/g, '').length).toBeLessThanOrEqual('[redacted]'.length + 2);
        // The same text around another secret is left alone.
        expect(forms.replace(wrap(other))).toBe(wrap(other));
        // In raw JSON the breaks are escapes: the echo goes all the same.
        const json = forms.replace(JSON.stringify({ blob: wrapped }));
        expect(json).toContain('[redacted]');
        expect(JSON.parse(json).blob.replace(/[\r\n]/g, '').length - lo - (text.length - hi)).toBeLessThanOrEqual('[redacted]'.length + 2);
        checked++;
      }
    }
    expect(checked).toBe(57 + 57 + 48);
  });

  it('finds a secret that has line breaks of its own whichever line endings the echo uses, also as JSON escapes', () => {
    const pem = '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n-----END KEY-----';
    const forms = new SecretForms();
    forms.learn(pem);
    for (const echo of [pem, pem.replace(/\n/g, '\r\n')]) {
      expect(forms.replace(`key: ${echo} (end)`)).toBe('key: [redacted] (end)');
      // In raw JSON, as escapes.
      expect(forms.replace(`{"key": ${JSON.stringify(echo)}}`)).toBe('{"key": "[redacted]"}');
    }
    // In raw JSON with escaped breaks, a secret that starts with n right after an escaped backslash
    // (or ends with a backslash before an n) is found all the same.
    const windowsy = new SecretForms();
    windowsy.learn('new-secret-7f3a9c');
    windowsy.learn('7f3a9c-old-secret\\');
    expect(windowsy.replace(JSON.stringify({ a: 'line\nC:\\new-secret-7f3a9c', b: '7f3a9c-old-secret\\new' }))).toBe('{"a":"line\\nC:\\\\[redacted]","b":"[redacted]new"}');
  });

  it('learns a secret with white space around it also trimmed (a value pasted with its line break)', () => {
    expect(encodedForms('\tpasted-value\r\n')).toEqual(expect.arrayContaining(['\tpasted-value\r\n', '%09pasted-value%0D%0A', 'pasted-value', 'cGFzdGVkLXZhbHVl']));
    expectEveryEchoReplaced('pasted secret \n', { raw: 'pasted secret \n', trimmed: 'pasted secret', form: 'pasted+secret', json: 'pasted secret \\n' });
    // Nothing around it: no second value.
    expect(encodedForms('plainvalue')).toHaveLength(6);
  });

  it('does not learn values shorter than 6 characters', () => {
    expect(MIN_SECRET_LENGTH).toBe(6);
    const forms = new SecretForms();
    expect(forms.learn('12345')).toBe(false);
    expect(forms.learn('123456')).toBe(true);
    expect(forms.replace('12345 and 123456 and MTIzNDU2')).toBe('12345 and [redacted] and [redacted]');
  });

  it('replaces the longest first, so a secret that contains another goes whole', () => {
    const forms = new SecretForms();
    forms.learn('token-abcdef');
    forms.learn('token-abcdef-refresh');
    expect(forms.replace('a token-abcdef-refresh b token-abcdef')).toBe('a [redacted] b [redacted]');
  });

  it('replaces occurrences that overlap as one, so that neither secret keeps a character', () => {
    const forms = new SecretForms();
    forms.learn('secret-alpha-123');
    forms.learn('123-beta-secret');
    // One after the other: 'secret-alpha-123' then 'beta-secret' would be left of the other, or the reverse.
    expect(forms.replace('x secret-alpha-123-beta-secret y')).toBe('x [redacted] y');
    // Side by side without overlapping: two replacements.
    expect(forms.replace('secret-alpha-123123-beta-secret')).toBe('[redacted][redacted]');
  });

  it('replaces every occurrence: random text with planted echoes (some overlapping), against a reference written here', () => {
    let seed = 0x5eed;
    const next = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const printable = (n: number) => String.fromCharCode(...Array.from({ length: n }, () => 33 + next(94)));
    let checked = 0;
    for (let round = 0; round < 300; round++) {
      // Pairs of secrets where the second starts with the end of the first, so that `a + b.slice(k)` holds both, overlapping.
      const pairs = Array.from({ length: 1 + next(3) }, () => {
        const a = printable(MIN_SECRET_LENGTH + next(30));
        const k = 1 + next(MIN_SECRET_LENGTH - 1);
        return { a, b: a.slice(-k) + printable(MIN_SECRET_LENGTH + next(10)), k };
      });
      const secrets = pairs.flatMap(({ a, b }) => [a, b]);
      const forms = new SecretForms();
      for (const secret of secrets) forms.learn(secret);
      const echoes = secrets.flatMap((s) => [s, encodeURIComponent(s), Buffer.from(s).toString('base64')]);
      const pieces: string[] = [];
      for (let i = 0; i < 12; i++) {
        pieces.push(' '.repeat(next(3)) + 'lorem ipsum dolor'.slice(0, next(18)));
        const { a, b, k } = pairs[next(pairs.length)]!;
        pieces.push(next(3) === 0 ? a + b.slice(k) : echoes[next(echoes.length)]!);
      }
      const text = pieces.join('');
      // The reference: every occurrence of every echo, overlapping ones merged, each run replaced once.
      const spans: [number, number][] = [];
      for (const e of echoes) for (let at = text.indexOf(e); at >= 0; at = text.indexOf(e, at + 1)) spans.push([at, at + e.length]);
      spans.sort((x, y) => x[0] - y[0]);
      const merged: [number, number][] = [];
      for (const [from, to] of spans) {
        const top = merged[merged.length - 1];
        if (top && from < top[1]) top[1] = Math.max(top[1], to);
        else merged.push([from, to]);
      }
      let expected = '';
      let at = 0;
      for (const [from, to] of merged) {
        expected += `${text.slice(at, from)}[redacted]`;
        at = to;
      }
      expected += text.slice(at);
      expect(forms.replace(text)).toBe(expected);
      checked += merged.length;
    }
    expect(checked).toBeGreaterThan(300 * 10);
  });

  it('replaces each secret by its own replacement (the HAR recorder\'s references)', () => {
    const forms = new SecretForms();
    forms.learn('first-secret', '[ref:1]');
    forms.learn('second-secret', '[ref:2]');
    expect(forms.replace('second-secret first-secret')).toBe('[ref:2] [ref:1]');
  });

  it('past its bound forgets the secret learned (or seen) longest ago', () => {
    const forms = new SecretForms(2);
    forms.learn('secret-one');
    forms.learn('secret-two');
    forms.learn('secret-one'); // seen again: now the newest
    forms.learn('secret-three');
    expect(forms.replace('secret-one secret-two secret-three')).toBe('[redacted] secret-two [redacted]');
  });

  it('never forgets a secret learned to be kept, nor counts it against the bound', () => {
    const forms = new SecretForms(2);
    forms.learn('kept-secret', '[kept]', { keep: true });
    forms.learn('secret-one');
    forms.learn('kept-secret', '[kept]'); // seen again without `keep`: still kept
    forms.learn('secret-two');
    forms.learn('secret-three');
    expect(forms.replace('kept-secret secret-one secret-two secret-three')).toBe('[kept] secret-one [redacted] [redacted]');
  });
});
