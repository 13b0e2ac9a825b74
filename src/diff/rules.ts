// The catalogue of change rules: a stable id, a fixed level, and what the change means for a client.
// The level is from the client's side: a response may only narrow, a request may only widen.

export type Level = 'breaking' | 'potentially-breaking' | 'non-breaking';
export const LEVELS: readonly Level[] = ['breaking', 'potentially-breaking', 'non-breaking'];

export interface Rule {
  level: Level;
  /** When a change is reported under this rule, in one line. */
  when: string;
}

const B = 'breaking' as const;
const P = 'potentially-breaking' as const;
const N = 'non-breaking' as const;

/** Rules on schemas, per place: what a client sends (request) or reads (response). */
function schemaRules(prefix: string, direction: 'request' | 'response', what: string): Record<string, Rule> {
  const req = direction === 'request';
  return {
    [`${prefix}-type-changed`]: { level: B, when: `the type of ${what} changed to one that does not ${req ? 'accept every value it accepted' : 'stay within what it returned'}` },
    [req ? `${prefix}-type-widened` : `${prefix}-type-narrowed`]: { level: N, when: `${what} now ${req ? 'accepts more types' : 'returns fewer types'} than before` },
    [`${prefix}-format-changed`]: { level: B, when: `the format of ${what} changed, or was ${req ? 'added' : 'removed'}` },
    [req ? `${prefix}-format-removed` : `${prefix}-format-added`]: { level: N, when: `the format of ${what} was ${req ? 'removed' : 'added'}` },
    [`${prefix}-enum-value-added`]: { level: req ? N : P, when: `${what} has a new enum value${req ? '' : ' that clients with an exhaustive switch do not handle'}` },
    [`${prefix}-enum-value-removed`]: { level: req ? B : N, when: `an enum value of ${what} was removed` },
    [`${prefix}-enum-added`]: { level: req ? B : N, when: `${what} is now restricted to a list of values` },
    [`${prefix}-enum-removed`]: { level: req ? N : P, when: `${what} is no longer restricted to a list of values` },
    [`${prefix}-constraint-tightened`]: { level: req ? B : N, when: `a bound of ${what} (length, range, item count, pattern added…) was tightened` },
    [`${prefix}-constraint-loosened`]: { level: req ? N : P, when: `a bound of ${what} (length, range, item count, pattern removed…) was loosened` },
    [`${prefix}-pattern-changed`]: { level: P, when: `the pattern of ${what} changed` },
    [`${prefix}-variant-added`]: { level: req ? N : P, when: `${what} has a new oneOf/anyOf alternative` },
    [`${prefix}-variant-removed`]: { level: req ? B : N, when: `a oneOf/anyOf alternative of ${what} was removed` },
    [`${prefix}-conditional-changed`]: { level: P, when: `the if/then/else/not constraints of ${what} changed` },
    [`${prefix}-additional-properties-forbidden`]: { level: req ? B : N, when: `${what} no longer allows properties it does not list` },
    [`${prefix}-additional-properties-allowed`]: { level: req ? N : P, when: `${what} now allows properties it does not list` },
  };
}

export const RULES = {
  // Document
  'server-removed': { level: P, when: 'a server URL was removed (clients configured with it must move)' },
  'server-added': { level: N, when: 'a server URL was added' },
  // Operations
  'operation-removed': { level: B, when: 'an operation (method + path) was removed' },
  'operation-added': { level: N, when: 'an operation was added' },
  'operation-id-changed': { level: P, when: 'the operationId changed (generated clients rename the method)' },
  'operation-deprecated': { level: N, when: 'an operation was marked deprecated' },
  'operation-security-added': { level: B, when: 'an operation that needed no credentials now requires some' },
  'operation-security-removed': { level: N, when: 'an operation no longer requires credentials' },
  'operation-security-alternative-removed': { level: B, when: 'a way to authenticate an operation is no longer accepted' },
  'operation-security-alternative-added': { level: N, when: 'an operation accepts a new way to authenticate' },
  // Parameters
  'request-parameter-added-required': { level: B, when: 'a required parameter was added' },
  'request-parameter-added': { level: N, when: 'an optional parameter was added' },
  'request-parameter-removed': { level: P, when: 'a parameter was removed (clients still sending it may be rejected or ignored)' },
  'request-parameter-became-required': { level: B, when: 'an optional parameter became required' },
  'request-parameter-became-optional': { level: N, when: 'a required parameter became optional' },
  ...schemaRules('request-parameter', 'request', 'a parameter'),
  // Request bodies
  'request-body-added-required': { level: B, when: 'a required request body was added' },
  'request-body-added': { level: N, when: 'an optional request body was added' },
  'request-body-removed': { level: P, when: 'the request body was removed' },
  'request-body-became-required': { level: B, when: 'the request body became required' },
  'request-body-became-optional': { level: N, when: 'the request body became optional' },
  'request-media-type-removed': { level: B, when: 'a request media type is no longer accepted' },
  'request-media-type-added': { level: N, when: 'a request media type was added' },
  'request-property-added-required': { level: B, when: 'a required request property was added' },
  'request-property-added': { level: N, when: 'an optional request property was added' },
  'request-property-removed': { level: P, when: 'a request property was removed (clients still sending it may be rejected or ignored)' },
  'request-property-became-required': { level: B, when: 'an optional request property became required' },
  'request-property-became-optional': { level: N, when: 'a required request property became optional' },
  ...schemaRules('request-property', 'request', 'a request body value'),
  // Responses
  'response-success-status-removed': { level: B, when: 'a success (2xx) or redirect (3xx) status was removed' },
  'response-status-removed': { level: P, when: 'an error status (4xx, 5xx, default) was removed' },
  'response-status-added': { level: N, when: 'a status was added' },
  'response-media-type-removed': { level: B, when: 'a response media type was removed' },
  'response-media-type-added': { level: N, when: 'a response media type was added' },
  'response-property-removed': { level: B, when: 'a response property was removed' },
  'response-property-added': { level: N, when: 'a response property was added' },
  'response-property-became-optional': { level: B, when: 'a required response property became optional (clients may find it missing)' },
  'response-property-became-required': { level: N, when: 'an optional response property became required' },
  ...schemaRules('response-property', 'response', 'a response body value'),
  'response-required-header-removed': { level: B, when: 'a required response header was removed' },
  'response-header-removed': { level: P, when: 'an optional response header was removed' },
  'response-header-added': { level: N, when: 'a response header was added' },
  'response-header-became-optional': { level: B, when: 'a required response header became optional' },
  'response-header-became-required': { level: N, when: 'an optional response header became required' },
  ...schemaRules('response-header', 'response', 'a response header'),
} satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

export const levelOf = (rule: string): Level => {
  const r = (RULES as Record<string, Rule>)[rule];
  if (!r) throw new Error(`unknown rule ${rule}`);
  return r.level;
};

/** Orders levels from most to least severe. */
export const severity = (level: Level): number => LEVELS.length - LEVELS.indexOf(level);
