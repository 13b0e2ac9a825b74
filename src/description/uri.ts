// Fast paths for the `uri` and `uri-reference` formats. Each fast regex accepts only common,
// unambiguous shapes (`scheme://host[:port]/path?query#fragment`, and `/path?query#fragment`
// references) built from character classes V8 matches in one linear pass; anything else goes to
// ajv-formats' full RFC 3986 regex. The fast sets are subsets of the full ones (a test fuzzes
// this), so together they accept exactly what the full formats accept.
// Why: the full regex was the top frame when validating response bodies (issue 8, item 6).

// RFC 3986 pchar without pct-encoded (a "%" falls back to the full regex): unreserved, sub-delims, ":" and "@".
const PCHAR = "a-z0-9._~!$&'()*+,;=:@\\-";
const TAIL = `(?:\\?[${PCHAR}/?]*)?(?:#[${PCHAR}/?]*)?$`;

/** `scheme://reg-name[:port][path][?query][#fragment]`, no userinfo, no IP literal, no `%`. */
export const FAST_ABSOLUTE_URI = new RegExp(`^[a-z][a-z0-9+.-]*://[a-z0-9._~!$&'()*+,;=-]*(?::[0-9]*)?(?:/[${PCHAR}/]*)?${TAIL}`, 'i');
/** A path-absolute reference: `/` then a non-empty first segment (or nothing), query and fragment. */
export const FAST_ABSOLUTE_PATH = new RegExp(`^/(?:[${PCHAR}][${PCHAR}/]*)?${TAIL}`, 'i');

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
