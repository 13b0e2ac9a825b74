// A body's bytes as text, read as fetch's text() reads them (UTF-8, a leading byte order mark
// dropped, each sequence that is not UTF-8 read as U+FFFD), and where the first such sequence is.
// A JSON body must be UTF-8 (RFC 8259 §8.1), and Adobe's say `charset=UTF-8`: a host that writes an
// MVPD's name in Latin-1 gives every client U+FFFD in place of its letters, and the body still
// parses, so the check could only see it here.
import { isUtf8 } from 'node:buffer';

export interface Decoded {
  text: string;
  /** The first sequence that is not UTF-8: its byte offset in the body, and its first byte. */
  notUtf8?: NotUtf8;
}

export interface NotUtf8 {
  offset: number;
  byte: number;
}

const decoder = new TextDecoder();

export function decodeUtf8(bytes: Uint8Array): Decoded {
  const text = decoder.decode(bytes);
  if (isUtf8(bytes)) return { text };
  return { text, notUtf8: firstNotUtf8(bytes, text) };
}

/**
 * Walks the U+FFFD characters of the decoded text, counting the bytes before each: the first that
 * is not the three bytes of a U+FFFD written in the body is where the body stops being UTF-8.
 */
function firstNotUtf8(bytes: Uint8Array, text: string): NotUtf8 {
  let offset = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let from = 0;
  for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', from)) {
    offset += Buffer.byteLength(text.slice(from, i));
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return { offset, byte: bytes[offset]! };
    offset += 3;
    from = i + 1;
  }
  // isUtf8 said no, so a replacement exists; reached only if the two readings ever disagree.
  return { offset: bytes.length, byte: bytes[bytes.length - 1] ?? 0 };
}
