// Reading a body as UTF-8 and saying where it stops being UTF-8: offsets and bytes worked out by
// hand from the bytes each case builds.
import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../src/http/utf8.ts';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('decodeUtf8', () => {
  it('reads UTF-8 as it is, a leading byte order mark dropped, and finds nothing wrong', () => {
    expect(decodeUtf8(bytes('{"n":"Vidéotron ✓ 📺"}'))).toEqual({ text: '{"n":"Vidéotron ✓ 📺"}' });
    expect(decodeUtf8(bytes([0xef, 0xbb, 0xbf], '{}'))).toEqual({ text: '{}' });
    expect(decodeUtf8(new Uint8Array())).toEqual({ text: '' });
  });

  it('a Latin-1 é: U+FFFD in the text, and the byte and its offset', () => {
    // {"n":"Vid = 9 bytes, then 0xE9.
    const r = decodeUtf8(bytes('{"n":"Vid', [0xe9], 'otron"}'));
    expect(r.text).toBe('{"n":"Vid\uFFFDotron"}');
    expect(r.notUtf8).toEqual({ offset: 9, byte: 0xe9 });
  });

  it('counts the bytes of multi-byte letters and of a byte order mark before it', () => {
    // BOM (3) + {"n":" (6) + é (2) + ✓ (3) + 📺 (4) = 18.
    expect(decodeUtf8(bytes([0xef, 0xbb, 0xbf], '{"n":"é✓📺', [0xff], '"}')).notUtf8).toEqual({ offset: 18, byte: 0xff });
  });

  it('passes over a U+FFFD the body itself holds (EF BF BD) to the first byte that is not UTF-8', () => {
    // "\uFFFD" written in UTF-8 (3 bytes) at 1, then a at 4, then 0x80 at 5.
    const r = decodeUtf8(bytes('"\uFFFDa', [0x80], '"'));
    expect(r.text).toBe('"\uFFFDa\uFFFD"');
    expect(r.notUtf8).toEqual({ offset: 5, byte: 0x80 });
  });

  it('finds a sequence cut at the end, an overlong encoding, and an encoded surrogate', () => {
    expect(decodeUtf8(bytes('"ab', [0xc3])).notUtf8).toEqual({ offset: 3, byte: 0xc3 });
    expect(decodeUtf8(bytes('"', [0xc0, 0xaf], '"')).notUtf8).toEqual({ offset: 1, byte: 0xc0 });
    expect(decodeUtf8(bytes('"x', [0xed, 0xa0, 0x80], '"')).notUtf8).toEqual({ offset: 2, byte: 0xed });
  });

  it('passes over 200,000 U+FFFD the body holds itself to the one bad byte after them', () => {
    const body = bytes('"', '\uFFFD'.repeat(200_000), [0xfe], '"');
    const r = decodeUtf8(body);
    expect(r.notUtf8).toEqual({ offset: 1 + 3 * 200_000, byte: 0xfe });
  });
});
