// Turns Ajv's raw errors for one value into one drift finding per real violation, each with a rule
// and a tier: `oneOf` lists of constants become "`X` is not one of a, b, c", an `if/then` becomes
// the rule inside `then` that failed, and the branches of a failed `oneOf` that the value was
// clearly not meant for are dropped.
import type { ErrorObject } from '../description/validator.ts';
import { getByPointer, pointerSegment, type Json, type JsonObject } from '../description/document.ts';
import type { RuleId } from './rules.ts';

export interface Finding {
  rule: RuleId;
  /** JSON Pointer into the value. */
  pointer: string;
  /** What the description wants, short ("present", "type integer", "one of `a`, `b`"). */
  expected: string;
  /** The value found there (undefined = absent). Shown redacted and truncated by the caller. */
  actual: Json | undefined;
  /** A sentence for people: "`signout` is not one of complete, invalid, logout". */
  message: string;
  /** For additions: what to add to the description. */
  hint?: string;
}

/** Where a schema object lives in the document (`#/components/schemas/Configuration`). */
export type SchemaLocator = (schema: unknown) => string | undefined;

const CONSTRAINTS = new Set(['pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'minContains', 'maxContains']);

const code = (v: Json | undefined) => `\`${v === undefined ? '(absent)' : JSON.stringify(v)}\``;
const list = (values: Json[]) => values.map((v) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``).join(', ');

function typeName(v: Json | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const isComposite = (e: ErrorObject) => e.keyword === 'oneOf' || e.keyword === 'anyOf';

/** Collapses `oneOf`/`anyOf` errors, innermost first, into the errors that explain the failure. */
function collapseComposites(errors: ErrorObject[]): ErrorObject[] {
  let out = errors;
  const composites = errors.filter(isComposite).sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const c of composites) {
    if (!out.includes(c)) continue;
    const prefix = `${c.schemaPath}/`;
    const inBranches = (e: ErrorObject) => e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(c.instancePath);
    const branchErrors = out.filter(inBranches);
    const rest = out.filter((e) => e !== c && !inBranches(e));
    const passing = (c.params as { passingSchemas?: number[] | number | null }).passingSchemas;
    if (Array.isArray(passing)) {
      out = [...rest, { ...c, keyword: 'oneOf-ambiguous', params: { passingSchemas: passing } }];
      continue;
    }
    // Every branch is a constant (or enum) on this very value: one "not one of" row.
    const constants = branchErrors.every((e) => (e.keyword === 'const' || e.keyword === 'enum') && e.instancePath === c.instancePath);
    if (constants && branchErrors.length > 0) {
      const allowed = branchErrors.flatMap((e) => {
        const p = e.params as { allowedValue?: Json; allowedValues?: Json[] };
        return e.keyword === 'const' ? [p.allowedValue as Json] : (p.allowedValues ?? []);
      });
      out = [...rest, { ...c, keyword: 'enum', params: { allowedValues: allowed } }];
      continue;
    }
    // Otherwise keep the branch the value was most likely meant for: its type matched, fewest errors.
    const byBranch = new Map<string, ErrorObject[]>();
    for (const e of branchErrors) {
      const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
    }
    const score = (es: ErrorObject[]) => (es.some((e) => e.keyword === 'type' && e.instancePath === c.instancePath) ? 1000 : 0) + es.length;
    const best = [...byBranch.values()].sort((a, b) => score(a) - score(b))[0];
    out = best && best.length > 0 ? [...rest, ...best] : [...rest, c];
  }
  return out;
}

/** One finding per real violation, with its rule. `value` is the validated value (to show what was there). */
export function classify(errors: ErrorObject[], value: Json, locate: SchemaLocator): Finding[] {
  const valueAt = (pointer: string): Json | undefined => (pointer === '' ? value : getByPointer(value, `#${pointer}`));
  // `if` only says "then failed"; the failing keywords inside `then` are reported on their own.
  // Errors inside propertyNames repeat the propertyNames error itself.
  // A value that is not base64 also fails the base64 pattern next to contentEncoding: one row.
  const encoded = new Set(errors.filter((e) => e.keyword === 'contentEncoding').map((e) => e.instancePath));
  const relevant = errors.filter((e) => e.keyword !== 'if' && !(e.propertyName !== undefined && e.keyword !== 'propertyNames') && !(e.keyword === 'pattern' && encoded.has(e.instancePath)));
  const findings: Finding[] = [];
  for (const e of collapseComposites(relevant)) {
    const p = e.params as Record<string, Json | undefined>;
    const at = e.instancePath;
    const actual = valueAt(at);
    switch (e.keyword) {
      case 'required':
      case 'dependentRequired': {
        const pointer = `${at}/${pointerSegment(String(p.missingProperty))}`;
        findings.push({ rule: 'field-missing', pointer, expected: 'present', actual: undefined, message: `\`${pointer}\` is required but absent` });
        break;
      }
      case 'additionalProperties': {
        const name = String(p.additionalProperty);
        const pointer = `${at}/${pointerSegment(name)}`;
        const field = valueAt(pointer);
        const owner = locate(e.parentSchema) ?? 'the schema of its parent';
        findings.push({
          rule: 'field-undocumented', pointer, expected: 'not in the description', actual: field,
          message: `\`${pointer}\` is not in the description`,
          hint: `add an optional property \`${name}\` (${typeName(field)}) to \`${owner}\``,
        });
        break;
      }
      case 'type':
        findings.push({ rule: 'field-type', pointer: at, expected: `type ${String(p.type)}`, actual, message: `\`${at || '(body)'}\` is ${typeName(actual)}, not ${String(p.type)}` });
        break;
      case 'enum':
      case 'const': {
        const allowed = e.keyword === 'const' ? [p.allowedValue as Json] : ((p.allowedValues as Json[] | undefined) ?? []);
        const owner = e.parentSchema as JsonObject | undefined;
        const extensible = owner?.['x-extensible-enum'] === true;
        findings.push({
          rule: extensible ? 'value-undocumented' : 'value-not-allowed', pointer: at, expected: `one of ${list(allowed)}`, actual,
          message: `${code(actual)} is not one of ${list(allowed)}`,
          ...(extensible ? { hint: `add ${code(actual)} to the enum at \`${locate(owner) ?? at}\`` } : {}),
        });
        break;
      }
      case 'not': {
        const forbidden = ((e.schema as JsonObject | undefined)?.required as string[] | undefined) ?? [];
        if (forbidden.length > 0) {
          for (const name of forbidden) {
            const pointer = `${at}/${pointerSegment(name)}`;
            findings.push({ rule: 'field-forbidden', pointer, expected: 'absent in this situation', actual: valueAt(pointer), message: `\`${pointer}\` must not be present here` });
          }
        } else {
          findings.push({ rule: 'schema-violation', pointer: at, expected: 'not the schema of `not`', actual, message: `\`${at || '(body)'}\` matches a schema it must not match` });
        }
        break;
      }
      case 'format':
        findings.push({ rule: 'value-format', pointer: at, expected: `format ${String(p.format)}`, actual, message: `${code(actual)} is not a valid ${String(p.format)}` });
        break;
      case 'contentEncoding':
        findings.push({ rule: 'value-encoding', pointer: at, expected: e.message ?? 'encoded', actual, message: `\`${at || '(body)'}\` ${e.message ?? 'is not encoded as documented'}` });
        break;
      case 'propertyNames': {
        const pointer = `${at}/${pointerSegment(String(p.propertyName))}`;
        findings.push({ rule: 'key-invalid', pointer, expected: 'a key its propertyNames schema allows', actual: String(p.propertyName), message: `key \`${String(p.propertyName)}\` of \`${at || '(body)'}\` is not allowed` });
        break;
      }
      case 'oneOf-ambiguous':
        findings.push({ rule: 'schema-ambiguous', pointer: at, expected: 'exactly one alternative', actual, message: `\`${at || '(body)'}\` matches alternatives ${JSON.stringify(p.passingSchemas)} of a oneOf` });
        break;
      default:
        findings.push({
          rule: CONSTRAINTS.has(e.keyword) ? 'value-constraint' : 'schema-violation', pointer: at, expected: e.message ?? e.keyword, actual,
          message: `\`${at || '(body)'}\` ${e.message ?? `breaks ${e.keyword}`}`,
        });
    }
  }
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule} ${f.pointer}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
