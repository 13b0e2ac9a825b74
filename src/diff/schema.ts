// Compares two resolved JSON Schemas (OpenAPI 3.0 or 3.1 flavour) in one direction: what a client sends or reads.
import { pointerSegment } from '../description/document.ts';
import { change, type Change } from './change.ts';
import { isObject, type Obj as Schema } from './json.ts';

export type Direction = 'request' | 'response';

export interface SchemaContext {
  direction: Direction;
  /** Rule prefix: request-parameter, request-property, response-property, response-header. */
  prefix: string;
  operation: string | undefined;
  /** Says where the schema is used, e.g. "200 application/json" or "query parameter fields". */
  where: string;
  emit: (change: Change) => void;
  /** Pairs of schemas being compared, to stop on recursive schemas. */
  inProgress?: Map<object, Set<object>>;
}

const ANNOTATIONS = new Set(['title', 'description', 'example', 'examples', 'externalDocs', '$comment', 'deprecated', 'xml', 'discriminator', 'default', '$id', '$schema', '$anchor']);
const BOUNDS_MIN = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'] as const;
const BOUNDS_MAX = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'] as const;

/** A stable JSON text of a schema without annotations; recursion shows as "[cycle]". */
function canonical(value: unknown, seen = new Set<object>()): string {
  if (!value || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (seen.has(value)) return '"[cycle]"';
  seen.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((v) => canonical(v, seen)).join(',')}]`;
    const keys = Object.keys(value).filter((k) => !ANNOTATIONS.has(k) && !k.startsWith('x-')).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Schema)[k], seen)}`).join(',')}}`;
  } finally {
    seen.delete(value);
  }
}

interface Located { schema: unknown; pointer: string }

/** A schema with allOf merged in, as far as comparing needs. */
interface View {
  types: Set<string> | undefined;
  format: string | undefined;
  enumValues: unknown[] | undefined;
  properties: Map<string, Located>;
  required: Set<string>;
  /** The keyword that closes the object (additionalProperties or unevaluatedProperties: false), if one does. */
  closed: string | undefined;
  additional: Located | undefined;
  items: Located | undefined;
  variants: Located[];
  conditional: string[];
  bounds: Map<string, { value: unknown; pointer: string }>;
  pattern: string | undefined;
}

/** The values a schema is restricted to: `enum`, `const`, or 3.1's `oneOf`/`anyOf` of `const`s (or of small enums); undefined when it lists none. */
export function enumOf(s: Schema): unknown[] | undefined {
  if (Array.isArray(s.enum)) return s.enum;
  if ('const' in s) return [s.const];
  for (const key of ['oneOf', 'anyOf'] as const) {
    const alts = s[key];
    // The 3.1 way of documenting enum values: oneOf of { const, description }.
    if (Array.isArray(alts) && alts.length > 0 && alts.every((a) => isObject(a) && ('const' in a || (Array.isArray(a.enum) && !a.properties)))) {
      return alts.flatMap((a) => ('const' in (a as Schema) ? [(a as Schema).const] : ((a as Schema).enum as unknown[])));
    }
  }
  return undefined;
}

function view(schema: unknown, pointer: string, depth = 0): View {
  const v: View = {
    types: undefined, format: undefined, enumValues: undefined, properties: new Map(), required: new Set(),
    closed: undefined, additional: undefined, items: undefined, variants: [], conditional: [], bounds: new Map(), pattern: undefined,
  };
  if (!isObject(schema)) {
    if (schema === false) v.types = new Set();
    return v;
  }
  const s = schema;
  if (typeof s.type === 'string') v.types = new Set([s.type]);
  else if (Array.isArray(s.type)) v.types = new Set(s.type as string[]);
  if (s.nullable === true && v.types) v.types.add('null');
  if (typeof s.format === 'string') v.format = s.format;
  v.enumValues = enumOf(s);
  if (isObject(s.properties)) for (const [name, p] of Object.entries(s.properties)) v.properties.set(name, { schema: p, pointer: `${pointer}/properties/${pointerSegment(name)}` });
  if (Array.isArray(s.required)) for (const r of s.required) v.required.add(String(r));
  if (s.additionalProperties === false) v.closed = 'additionalProperties';
  else if (s.unevaluatedProperties === false) v.closed = 'unevaluatedProperties';
  if (isObject(s.additionalProperties)) v.additional = { schema: s.additionalProperties, pointer: `${pointer}/additionalProperties` };
  if (isObject(s.items)) v.items = { schema: s.items, pointer: `${pointer}/items` };
  if (!v.enumValues) {
    for (const key of ['oneOf', 'anyOf'] as const) {
      if (Array.isArray(s[key])) (s[key] as unknown[]).forEach((alt, i) => v.variants.push({ schema: alt, pointer: `${pointer}/${key}/${i}` }));
    }
  }
  for (const key of ['if', 'then', 'else', 'not', 'dependentRequired', 'dependentSchemas']) if (key in s) v.conditional.push(`${key}:${canonical(s[key])}`);
  for (const key of [...BOUNDS_MIN, ...BOUNDS_MAX, 'multipleOf', 'uniqueItems']) if (key in s) v.bounds.set(key, { value: s[key], pointer: `${pointer}/${key}` });
  if (typeof s.pattern === 'string') v.pattern = s.pattern;

  // allOf: the value must satisfy every member, so their properties, requirements and bounds add up.
  if (Array.isArray(s.allOf) && depth < 20) {
    s.allOf.forEach((member, i) => {
      const m = view(member, `${pointer}/allOf/${i}`, depth + 1);
      if (m.types) v.types = v.types ? new Set([...v.types].filter((t) => m.types!.has(t) || (t === 'integer' && m.types!.has('number')))) : m.types;
      v.format ??= m.format;
      v.enumValues ??= m.enumValues;
      for (const [name, p] of m.properties) {
        const mine = v.properties.get(name);
        // The same property constrained in two places: compare the two together.
        v.properties.set(name, mine ? { schema: { allOf: [mine.schema, p.schema] }, pointer: mine.pointer } : p);
      }
      for (const r of m.required) v.required.add(r);
      v.closed ??= m.closed;
      v.additional ??= m.additional;
      v.items ??= m.items;
      v.variants.push(...m.variants);
      v.conditional.push(...m.conditional);
      for (const [k, b] of m.bounds) if (!v.bounds.has(k)) v.bounds.set(k, b);
      v.pattern ??= m.pattern;
    });
  }
  return v;
}

const includesType = (set: Set<string>, t: string) => set.has(t) || (t === 'integer' && set.has('number'));
const subset = (a: Set<string>, b: Set<string>) => [...a].every((t) => includesType(b, t));
const typeText = (t: Set<string> | undefined) => (t ? [...t].sort().join(' | ') || 'nothing' : 'any');

/** Compares `before` with `after`; both are resolved schemas at `pointer` (after's place; before's for removals). */
export function compareSchemas(ctx: SchemaContext, before: unknown, after: unknown, pointer: string, beforePointer = pointer, name = ''): void {
  if (before === after) return;
  // A pair already being compared further up is a recursive schema: its changes are reported there.
  const inProgress = (ctx.inProgress ??= new Map());
  let pair: Set<object> | undefined;
  if (isObject(before) && isObject(after)) {
    const seen = inProgress.get(before) ?? new Set<object>();
    if (seen.has(after)) return;
    seen.add(after);
    inProgress.set(before, seen);
    pair = seen;
  }
  try {
    compareNow(ctx, before, after, pointer, beforePointer, name);
  } finally {
    pair?.delete(after as object);
  }
}

function compareNow(ctx: SchemaContext, before: unknown, after: unknown, pointer: string, beforePointer: string, name: string): void {
  const req = ctx.direction === 'request';
  const label = name || (ctx.prefix.endsWith('property') ? 'body' : 'value');
  const emit = (suffix: string, at: string, message: string) => ctx.emit(located(ctx, `${ctx.prefix}-${suffix}`, at, message));
  const b = view(before, beforePointer);
  const a = view(after, pointer);

  // Types: a request may accept more, a response may return less.
  let typesCompatible = true;
  if (typeText(b.types) !== typeText(a.types)) {
    const widened = !a.types || (b.types !== undefined && subset(b.types, a.types));
    const narrowed = !!a.types && (!b.types || subset(a.types, b.types));
    if (req ? widened : narrowed) emit(req ? 'type-widened' : 'type-narrowed', `${pointer}/type`, `type of ${label} ${typeText(b.types)} → ${typeText(a.types)}`);
    else {
      emit('type-changed', `${pointer}/type`, `type of ${label} ${typeText(b.types)} → ${typeText(a.types)}`);
      // object → string and the like: what is inside no longer compares.
      typesCompatible = !b.types || !a.types || [...b.types].some((t) => includesType(a.types!, t) || (t === 'number' && a.types!.has('integer')));
    }
  }
  if (b.format !== a.format) {
    const loosening = req ? a.format === undefined : b.format === undefined;
    emit(loosening ? (req ? 'format-removed' : 'format-added') : 'format-changed', `${pointer}/format`, `format of ${label} ${b.format ?? 'none'} → ${a.format ?? 'none'}`);
  }
  compareEnums(b, a, pointer, label, emit);
  compareBounds(b, a, pointer, label, emit);
  if (b.conditional.join('\n') !== a.conditional.join('\n')) emit('conditional-changed', pointer, `if/then/else/not constraints of ${label} changed`);
  if (!typesCompatible) return;

  if (!b.closed !== !a.closed) emit(a.closed ? 'additional-properties-forbidden' : 'additional-properties-allowed', `${pointer}/${a.closed ?? b.closed}`, `${label} ${a.closed ? 'no longer allows' : 'now allows'} unlisted properties`);
  compareProperties(ctx, b, a, name);
  if (b.additional && a.additional) compareSchemas(ctx, b.additional.schema, a.additional.schema, a.additional.pointer, b.additional.pointer, `${name}{*}`);
  if (b.items && a.items) compareSchemas(ctx, b.items.schema, a.items.schema, a.items.pointer, b.items.pointer, `${name}[]`);
  compareVariants(ctx, b, a, label, name, emit);
}

type Emit = (suffix: string, at: string, message: string) => void;

function compareEnums(b: View, a: View, pointer: string, label: string, emit: Emit): void {
  if (!b.enumValues && !a.enumValues) return;
  if (!b.enumValues) return emit('enum-added', pointer, `${label} is now one of ${a.enumValues!.map((x) => JSON.stringify(x)).join(', ')}`);
  if (!a.enumValues) return emit('enum-removed', pointer, `${label} is no longer restricted to ${b.enumValues.map((x) => JSON.stringify(x)).join(', ')}`);
  const before = new Set(b.enumValues.map((x) => JSON.stringify(x)));
  const after = new Set(a.enumValues.map((x) => JSON.stringify(x)));
  // One change per place, naming every value: a regenerated enum of 40 codes is one line, not 40.
  const added = [...after].filter((x) => !before.has(x)).sort();
  const removed = [...before].filter((x) => !after.has(x)).sort();
  const list = (xs: string[]) => (xs.length === 1 ? `value ${xs[0]}` : `${xs.length} values ${xs.join(', ')}`);
  if (added.length) emit('enum-value-added', pointer, `${label} has new ${list(added)}`);
  if (removed.length) emit('enum-value-removed', pointer, `${label} lost ${list(removed)}`);
}

function compareBounds(b: View, a: View, pointer: string, label: string, emit: Emit): void {
  const keys = new Set([...b.bounds.keys(), ...a.bounds.keys()]);
  for (const key of [...keys].sort()) {
    const x = b.bounds.get(key)?.value;
    const y = a.bounds.get(key)?.value;
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    let tightened: boolean;
    if (x === undefined) tightened = y !== false; // a bound appeared (uniqueItems: false is no bound)
    else if (y === undefined) tightened = false;
    else if (typeof x === 'number' && typeof y === 'number') tightened = (BOUNDS_MIN as readonly string[]).includes(key) ? y > x : (BOUNDS_MAX as readonly string[]).includes(key) ? y < x : true;
    else tightened = y === true; // 3.0 boolean exclusiveMinimum/Maximum, uniqueItems
    const at = a.bounds.get(key)?.pointer ?? b.bounds.get(key)!.pointer;
    emit(tightened ? 'constraint-tightened' : 'constraint-loosened', at, `${key} of ${label} ${x ?? 'none'} → ${y ?? 'none'}`);
  }
  if (b.pattern !== a.pattern) {
    const suffix = b.pattern === undefined ? 'constraint-tightened' : a.pattern === undefined ? 'constraint-loosened' : 'pattern-changed';
    emit(suffix, `${pointer}/pattern`, `pattern of ${label} ${b.pattern ?? 'none'} → ${a.pattern ?? 'none'}`);
  }
}

function compareProperties(ctx: SchemaContext, b: View, a: View, name: string): void {
  const req = ctx.direction === 'request';
  // What one side never sees: readOnly values are not sent, writeOnly values are not returned.
  const hidden = (p: Located | undefined) => isObject(p?.schema) && (req ? p!.schema.readOnly === true : p!.schema.writeOnly === true);
  const names = [...new Set([...b.properties.keys(), ...a.properties.keys()])].sort();
  const field = (n: string) => (name ? `${name}.${n}` : n);
  for (const n of names) {
    const x = b.properties.get(n);
    const y = a.properties.get(n);
    if ((x && hidden(x)) || (y && hidden(y))) continue;
    if (!x) {
      if (req && a.required.has(n)) ctx.emit(located(ctx, 'request-property-added-required', y!.pointer, `required property ${field(n)} added`));
      else ctx.emit(located(ctx, `${ctx.direction}-property-added`, y!.pointer, `property ${field(n)} added`));
      continue;
    }
    if (!y) {
      ctx.emit(located(ctx, `${ctx.direction}-property-removed`, x.pointer, `property ${field(n)} removed`));
      continue;
    }
    const wasRequired = b.required.has(n);
    const isRequired = a.required.has(n);
    if (wasRequired !== isRequired) ctx.emit(located(ctx, `${ctx.direction}-property-became-${isRequired ? 'required' : 'optional'}`, y.pointer, `property ${field(n)} became ${isRequired ? 'required' : 'optional'}`));
    compareSchemas(ctx, x.schema, y.schema, y.pointer, x.pointer, field(n));
  }
}

function compareVariants(ctx: SchemaContext, b: View, a: View, label: string, name: string, emit: Emit): void {
  if (b.variants.length === 0 && a.variants.length === 0) return;
  // Alternatives that are the same schema pair up whatever their order; the rest pair up by position.
  const bKeys = b.variants.map((v) => canonical(v.schema));
  const aKeys = a.variants.map((v) => canonical(v.schema));
  const unmatchedB = b.variants.filter((_, i) => !aKeys.includes(bKeys[i]!));
  const unmatchedA = a.variants.filter((_, i) => !bKeys.includes(aKeys[i]!));
  const pairs = Math.min(unmatchedB.length, unmatchedA.length);
  for (let i = 0; i < pairs; i++) compareSchemas(ctx, unmatchedB[i]!.schema, unmatchedA[i]!.schema, unmatchedA[i]!.pointer, unmatchedB[i]!.pointer, name);
  for (const v of unmatchedA.slice(pairs)) emit('variant-added', v.pointer, `${label} has a new alternative`);
  for (const v of unmatchedB.slice(pairs)) emit('variant-removed', v.pointer, `an alternative of ${label} was removed`);
}

/** A change in the context's operation, its message prefixed with where the schema is used. */
const located = (ctx: SchemaContext, rule: string, pointer: string, message: string): Change => change(rule, pointer, `${ctx.where}: ${message}`, ctx.operation);
