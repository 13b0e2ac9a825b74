// Fast paths for the `uri` and `uri-reference` formats. Each fast regex accepts only common,
// unambiguous shapes (`scheme://host[:port]/path?query#fragment`, and `/path?query#fragment`
// references) built from character classes V8 matches in one linear pass; anything else goes to
// ajv-formats' full RFC 3986 regex. The fast sets are subsets of the full ones (a test fuzzes
// this), so together they accept exactly what the full formats accept.
// Why: the full regex was the top frame when validating response bodies (issue 8, item 6).

// RFC 3986 pchar without pct-encoded (written apart, below): unreserved, sub-delims, ":" and "@".
const PCHAR = "a-z0-9._~!$&'()*+,;=:@\\-";
/**
 * Any number of characters of `set` and of `%XX` escapes, as an unrolled loop (Friedl): the class
 * runs as V8's tight greedy loop, and the group is entered only at a `%`. Written as the
 * alternation `(?:[set]|%XX)*` it costs 20% more on every URI; without escapes, a URL that has one
 * (every logout URL carries an encoded `redirect_url`) failed the fast regex and went to the full
 * one, 3.5 times as slow.
 */
const run = (set: string) => `[${set}]*(?:%[0-9a-f]{2}[${set}]*)*`;
const TAIL = `(?:\\?${run(`${PCHAR}/?`)})?(?:#${run(`${PCHAR}/?`)})?$`;

/** `scheme://reg-name[:port][path][?query][#fragment]`, no userinfo, no IP literal, no `%` in the host. */
export const FAST_ABSOLUTE_URI = new RegExp(`^[a-z][a-z0-9+.-]*://[a-z0-9._~!$&'()*+,;=-]*(?::[0-9]*)?(?:/${run(`${PCHAR}/`)})?${TAIL}`, 'i');
/** A path-absolute reference: `/` then a non-empty first segment (or nothing), query and fragment. */
export const FAST_ABSOLUTE_PATH = new RegExp(`^/(?:(?:[${PCHAR}]|%[0-9a-f]{2})${run(`${PCHAR}/`)})?${TAIL}`, 'i');

type Test = (s: string) => boolean;
const asTest = (format: unknown): Test => {
  if (typeof format === 'function') return format as Test;
  if (format instanceof RegExp) return (s) => format.test(s);
  return asTest((format as { validate: unknown }).validate);
};

/** `uri`: the fast regex, then the full format of ajv-formats. */
export const fastUri = (full: unknown): Test => {
  const slow = asTest(full);
  return (s) => FAST_ABSOLUTE_URI.test(s) || slow(s);
};

/** `uri-reference`: the fast regexes, then the full format of ajv-formats. */
export const fastUriReference = (full: unknown): Test => {
  const slow = asTest(full);
  return (s) => FAST_ABSOLUTE_URI.test(s) || FAST_ABSOLUTE_PATH.test(s) || slow(s);
};
