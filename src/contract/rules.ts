// The drift rules: a stable id per kind of difference and its tier (named like oasdiff's levels).
// breaking = a client written from the description can fail; addition = the host sends something
// the description does not know but does not forbid; note = worth knowing, never a failure.

export type Tier = 'breaking' | 'addition' | 'note';

export const TIER_ORDER: Record<Tier, number> = { breaking: 2, addition: 1, note: 0 };

export interface Rule {
  tier: Tier;
  title: string;
}

/** Every rule the check can report. The ids are part of the report format: never rename one. */
export const RULES = {
  // The response as a whole.
  'status-undocumented': { tier: 'breaking', title: 'a status the operation does not document' },
  'status-unexpected': { tier: 'breaking', title: 'another status than the case expects' },
  'media-type-undocumented': { tier: 'breaking', title: 'a Content-Type the response does not document' },
  'body-not-json': { tier: 'breaking', title: 'a JSON media type whose body does not parse' },
  'body-not-utf8': { tier: 'breaking', title: 'a JSON body that is not UTF-8 (clients read U+FFFD)' },
  'body-missing': { tier: 'breaking', title: 'no body where the response documents one' },
  // Headers.
  'header-missing': { tier: 'breaking', title: 'a required response header is absent' },
  'header-invalid': { tier: 'breaking', title: 'a header value its schema rejects' },
  'header-undocumented': { tier: 'addition', title: 'an Adobe header (AP-…) the response does not document' },
  'location-relative': { tier: 'note', title: 'a relative Location (allowed by HTTP, resolved against the request)' },
  // Body fields and values.
  'field-missing': { tier: 'breaking', title: 'a required field is absent' },
  'field-type': { tier: 'breaking', title: 'a field of another type' },
  'field-forbidden': { tier: 'breaking', title: 'a field the description forbids in this situation' },
  'value-not-allowed': { tier: 'breaking', title: 'a value outside the documented values' },
  'value-format': { tier: 'breaking', title: 'a value that breaks its format (uri, email…)' },
  'value-encoding': { tier: 'breaking', title: 'a value that breaks its content encoding (base64)' },
  'value-constraint': { tier: 'breaking', title: 'a value that breaks a pattern, length or range' },
  'key-invalid': { tier: 'breaking', title: 'a map key its pattern rejects' },
  'schema-ambiguous': { tier: 'breaking', title: 'a value that matches several alternatives of a oneOf' },
  'schema-violation': { tier: 'breaking', title: 'any other schema violation' },
  'field-undocumented': { tier: 'addition', title: 'a field the description does not know' },
  'value-undocumented': { tier: 'addition', title: 'a value outside an enum the description marks extensible' },
  // Expectations of the contract cases (mock replay and negative cases).
  'example-mismatch': { tier: 'breaking', title: 'the mock did not return the documented example' },
  'error-code-mismatch': { tier: 'breaking', title: 'another error code than the description documents for the input' },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

/** The higher of the tiers (undefined when none). */
export function maxTier(tiers: Iterable<Tier>): Tier | undefined {
  let best: Tier | undefined;
  for (const t of tiers) if (!best || TIER_ORDER[t] > TIER_ORDER[best]) best = t;
  return best;
}

export type FailOn = 'breaking' | 'addition';

/** Does a drift of `tier` fail a run with `--fail-on failOn`? Notes never do. */
export const fails = (tier: Tier, failOn: FailOn): boolean => tier === 'breaking' || (failOn === 'addition' && tier === 'addition');
