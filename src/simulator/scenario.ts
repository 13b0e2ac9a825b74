// Scenario files: YAML parsed with `yaml`, validated with Ajv against the shipped JSON Schema, then
// cross-checked against the description; every problem names the file, line, column and field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { projectRoot, type JsonObject } from '../description/document.ts';
import { readTextFileSync, type InputFileError } from '../files/read-text.ts';
import type { Description } from '../description/index.ts';

export const scenarioSchemaPath = join(projectRoot, 'schemas', 'scenario.schema.json');
export const defaultScenarioPath = join(projectRoot, 'scenarios', 'default.yaml');

export type MvpdKind = 'regular' | 'basicTempPass' | 'promotionalTempPass';
export const DEGRADATION_RULES = ['none', 'AuthNAll', 'AuthZAll', 'AuthZNone'] as const;
export type DegradationRule = (typeof DEGRADATION_RULES)[number];
export type AttributeValue = string | number | boolean | unknown[] | { value: unknown; state: 'plain' | 'enc' };

export interface Fault {
  operation: string;
  rate?: number;
  latencyMs?: number;
  hang?: boolean;
  error?: string;
  status?: number;
}

export interface MvpdConfig {
  id: string;
  displayName: string;
  kind: MvpdKind;
  logoutEndpoint: boolean;
  degradation: DegradationRule;
  partners: string[];
  platformMappingId: string;
  logoUrl?: string;
  profileTtlMs?: number;
  tempPass?: { ttlMs: number; maxResources?: number; misconfigured: boolean };
}

export interface UserConfig {
  username: string;
  password: string;
  mvpd: string;
  userID?: string;
  attributes: Record<string, AttributeValue>;
}

export interface RuleConfig {
  users?: string[];
  mvpds?: string[];
  resources?: string[];
  decision: 'permit' | 'deny';
  code?: string;
  details?: string;
}

/** A validated scenario with defaults filled in and durations in milliseconds. */
export interface Scenario {
  source: string;
  seed: number | string;
  softwareStatements: { name: string; statement: string; serviceProviders: string[]; redirectUris: string[] }[];
  serviceProviders: Record<string, { id: string; name: string; domains: string[]; mvpds: string[]; decisionLimits: { preauthorize: number; authorize: number } }>;
  mvpds: Record<string, MvpdConfig>;
  users: UserConfig[];
  rules: RuleConfig[];
  defaultDecision: 'permit' | 'deny';
  partners: string[];
  ttl: { codeMs: number; accessTokenMs: number; profileMs: number; authorizationMs: number; mediaTokenMs: number };
  throttle: { enabled: boolean; ratePerSecond: number; burst: number };
  limits: { maxEntries: number; sessionsPerDevice: number };
  faults: Fault[];
}

export interface ScenarioProblem {
  /** JSON Pointer to the field ("" for the whole file). */
  pointer: string;
  line?: number;
  column?: number;
  message: string;
}

/** A scenario file that cannot be used; `message` lists every problem as file:line:column. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(readonly source: string, readonly problems: ScenarioProblem[]) {
    super(`${source}: ${problems.length === 1 ? 'invalid scenario' : `${problems.length} problems`}\n${problems.map((p) => `  ${source}${p.line ? `:${p.line}:${p.column}` : ''} ${p.pointer || '(root)'}: ${p.message}`).join('\n')}`);
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `1500`, `"500ms"`, `"30m"`, `"6h"` → milliseconds. */
export function parseDuration(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(value);
  if (!m) throw new RangeError(`"${value}" is not a duration (500ms, 10s, 30m, 6h, 7d)`);
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

let compiled: { scenario: ValidateFunction; fault: ValidateFunction } | undefined;
/** The scenario schema's validators: a whole file, and one fault (`$defs/fault`, for the control API). */
function schemaValidators(): { scenario: ValidateFunction; fault: ValidateFunction } {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false });
    addFormats.default(ajv);
    const schema = JSON.parse(readFileSync(scenarioSchemaPath, 'utf8')) as { $id: string };
    const scenario = ajv.compile(schema);
    compiled = { scenario, fault: ajv.getSchema(`${schema.$id}#/$defs/fault`)! };
  }
  return compiled;
}

const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');
const pathOf = (pointer: string) => pointer.split('/').slice(1).map(unescape).map((k) => (/^\d+$/.test(k) ? Number(k) : k));

/** Where a pointer's node starts in the YAML text (the nearest existing ancestor if the node is absent). */
function locate(doc: Document, lines: LineCounter, pointer: string): { line?: number; column?: number } {
  let path = pathOf(pointer);
  for (; path.length >= 0; path = path.slice(0, -1)) {
    // A mapping member is located at its key, so "is not a known field" points at the field's name.
    const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    const pair = isMap(parent) ? parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === path[path.length - 1]) : undefined;
    const node = pair?.key ?? (path.length ? doc.getIn(path, true) : doc.contents);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) {
      const { line, col } = lines.linePos(range[0]);
      return { line, column: col };
    }
    if (path.length === 0) break;
  }
  return {};
}

function schemaProblems(errors: ErrorObject[]): { pointer: string; message: string }[] {
  // anyOf/if branches repeat the same failure; keep the most specific message per field.
  const out = new Map<string, string>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'if') continue;
    const p = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown };
    let pointer = e.instancePath;
    let message = e.message ?? 'is invalid';
    if (p.missingProperty !== undefined) message = `must have "${p.missingProperty}"`;
    if (p.additionalProperty !== undefined) {
      pointer += `/${p.additionalProperty}`;
      message = 'is not a known field';
    }
    if (e.keyword === 'enum') message = `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    if (!out.has(pointer)) out.set(pointer, message);
  }
  return [...out].map(([pointer, message]) => ({ pointer, message }));
}

/** Cross-references the schema cannot express: ids that must exist, codes and operations of the description. */
function semanticProblems(raw: JsonObject, description: Description): { pointer: string; message: string }[] {
  const problems: { pointer: string; message: string }[] = [];
  const mvpds = raw.mvpds as JsonObject;
  const sps = raw.serviceProviders as JsonObject;
  const catalog = new Set(((description.doc.components.schemas as JsonObject).ErrorCode as JsonObject).enum as string[]);
  const operations = new Set(description.operations.map((o) => o.operationId));
  const partners = (raw.partners as string[] | undefined) ?? ['Apple'];
  (raw.softwareStatements as JsonObject[]).forEach((s, i) => (s.serviceProviders as string[]).forEach((sp, j) => {
    if (!(sp in sps)) problems.push({ pointer: `/softwareStatements/${i}/serviceProviders/${j}`, message: `service provider "${sp}" is not in serviceProviders` });
  }));
  for (const [id, sp] of Object.entries(sps)) (sp as JsonObject).mvpds && ((sp as JsonObject).mvpds as string[]).forEach((m, j) => {
    if (!(m in mvpds)) problems.push({ pointer: `/serviceProviders/${id}/mvpds/${j}`, message: `MVPD "${m}" is not in mvpds` });
  });
  for (const [id, m] of Object.entries(mvpds)) ((m as JsonObject).partners as string[] | undefined)?.forEach((p, j) => {
    if (!partners.includes(p)) problems.push({ pointer: `/mvpds/${id}/partners/${j}`, message: `partner "${p}" is not in partners (${partners.join(', ')})` });
  });
  const usernames = new Set<string>();
  (raw.users as JsonObject[]).forEach((u, i) => {
    if (!((u.mvpd as string) in mvpds)) problems.push({ pointer: `/users/${i}/mvpd`, message: `MVPD "${String(u.mvpd)}" is not in mvpds` });
    if (usernames.has(`${String(u.mvpd)}/${String(u.username)}`)) problems.push({ pointer: `/users/${i}/username`, message: `user "${String(u.username)}" appears twice for MVPD ${String(u.mvpd)}` });
    usernames.add(`${String(u.mvpd)}/${String(u.username)}`);
  });
  ((raw.rules as JsonObject[] | undefined) ?? []).forEach((r, i) => {
    ((r.mvpds as string[] | undefined) ?? []).forEach((m, j) => m in mvpds || problems.push({ pointer: `/rules/${i}/mvpds/${j}`, message: `MVPD "${m}" is not in mvpds` }));
    if (r.code !== undefined && !catalog.has(r.code as string)) problems.push({ pointer: `/rules/${i}/code`, message: `"${String(r.code)}" is not an enhanced error code of the description` });
  });
  ((raw.faults as JsonObject[] | undefined) ?? []).forEach((f, i) => problems.push(...faultProblems(f, description, `/faults/${i}`, operations, catalog)));
  return problems;
}

function faultProblems(f: JsonObject, description: Description, at = '', operations = new Set(description.operations.map((o) => o.operationId)), catalog?: Set<string>): { pointer: string; message: string }[] {
  const codes = catalog ?? new Set(((description.doc.components.schemas as JsonObject).ErrorCode as JsonObject).enum as string[]);
  const problems: { pointer: string; message: string }[] = [];
  if (f.operation !== '*' && !operations.has(f.operation as string)) problems.push({ pointer: `${at}/operation`, message: `"${String(f.operation)}" is not an operationId of the description (or *)` });
  if (f.error !== undefined && !codes.has(f.error as string)) problems.push({ pointer: `${at}/error`, message: `"${String(f.error)}" is not an enhanced error code of the description` });
  return problems;
}

/** One fault checked as a scenario file's are (control API bodies use the same rules as files). */
export function validateFault(value: unknown, description: Description): { pointer: string; message: string }[] {
  const validate = schemaValidators().fault;
  if (!validate(value)) return schemaProblems(validate.errors ?? []);
  return faultProblems(value as JsonObject, description);
}

export function normalizeFault(f: JsonObject): Fault {
  return {
    operation: f.operation as string,
    ...(f.rate !== undefined ? { rate: f.rate as number } : {}),
    ...(f.latency !== undefined ? { latencyMs: parseDuration(f.latency as number | string) } : {}),
    ...(f.hang !== undefined ? { hang: f.hang as boolean } : {}),
    ...(f.error !== undefined ? { error: f.error as string } : {}),
    ...(f.status !== undefined ? { status: f.status as number } : {}),
  };
}

function normalize(raw: JsonObject, source: string): Scenario {
  const ttl = (raw.ttl ?? {}) as Record<string, number | string>;
  const d = (key: string, fallback: string) => parseDuration(ttl[key] ?? fallback);
  const throttle = (raw.throttle ?? {}) as JsonObject;
  const limits = (raw.limits ?? {}) as JsonObject;
  return {
    source,
    seed: (raw.seed as number | string | undefined) ?? 1,
    softwareStatements: (raw.softwareStatements as JsonObject[]).map((s) => ({ name: s.name as string, statement: s.statement as string, serviceProviders: s.serviceProviders as string[], redirectUris: (s.redirectUris as string[] | undefined) ?? [] })),
    serviceProviders: Object.fromEntries(Object.entries(raw.serviceProviders as Record<string, JsonObject>).map(([id, sp]) => {
      const limitsOf = (sp.decisionLimits ?? {}) as JsonObject;
      return [id, { id, name: sp.name as string, domains: (sp.domains as string[] | undefined) ?? [], mvpds: sp.mvpds as string[], decisionLimits: { preauthorize: (limitsOf.preauthorize as number | undefined) ?? 5, authorize: (limitsOf.authorize as number | undefined) ?? 5 } }];
    })),
    mvpds: Object.fromEntries(Object.entries(raw.mvpds as Record<string, JsonObject>).map(([id, m]) => {
      const tp = m.tempPass as JsonObject | undefined;
      const config: MvpdConfig = {
        id,
        displayName: m.displayName as string,
        kind: (m.kind as MvpdKind | undefined) ?? 'regular',
        logoutEndpoint: (m.logoutEndpoint as boolean | undefined) ?? true,
        degradation: (m.degradation as DegradationRule | undefined) ?? 'none',
        partners: (m.partners as string[] | undefined) ?? [],
        platformMappingId: (m.platformMappingId as string | undefined) ?? id,
        ...(m.logoUrl ? { logoUrl: m.logoUrl as string } : {}),
        ...(m.profileTtl !== undefined ? { profileTtlMs: parseDuration(m.profileTtl as string) } : {}),
        ...(tp ? { tempPass: { ttlMs: parseDuration(tp.ttl as string), ...(tp.maxResources !== undefined ? { maxResources: tp.maxResources as number } : {}), misconfigured: tp.misconfigured === true } } : {}),
      };
      return [id, config];
    })),
    users: (raw.users as JsonObject[]).map((u) => ({ username: u.username as string, password: u.password as string, mvpd: u.mvpd as string, ...(u.userID ? { userID: u.userID as string } : {}), attributes: (u.attributes ?? {}) as Record<string, AttributeValue> })),
    rules: ((raw.rules as unknown as RuleConfig[] | undefined) ?? []).map((r) => ({ ...r })),
    defaultDecision: (raw.defaultDecision as 'permit' | 'deny' | undefined) ?? 'permit',
    partners: (raw.partners as string[] | undefined) ?? ['Apple'],
    ttl: { codeMs: d('code', '30m'), accessTokenMs: d('accessToken', '6h'), profileMs: d('profile', '7d'), authorizationMs: d('authorization', '1h'), mediaTokenMs: d('mediaToken', '7m') },
    throttle: { enabled: (throttle.enabled as boolean | undefined) ?? true, ratePerSecond: (throttle.ratePerSecond as number | undefined) ?? 1, burst: (throttle.burst as number | undefined) ?? 10 },
    limits: { maxEntries: (limits.maxEntries as number | undefined) ?? 50_000, sessionsPerDevice: (limits.sessionsPerDevice as number | undefined) ?? 5 },
    faults: ((raw.faults as JsonObject[] | undefined) ?? []).map(normalizeFault),
  };
}

/**
 * Parses and validates scenario text (YAML or JSON); `source` names it in errors. `schema: false`
 * skips the JSON Schema (≈ 100 ms of Ajv compiling) for the shipped default scenario, which
 * `tests/simulator/scenario.test.ts` validates; references are still checked.
 */
export function parseScenario(text: string, source: string, description: Description, o: { schema?: boolean } = {}): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ScenarioError(source, doc.errors.map((e) => {
      const { line, col } = lines.linePos(e.pos[0]);
      return { pointer: '', line, column: col, message: `YAML: ${e.message.split('\n')[0]}` };
    }));
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    // Parsed, but not buildable: `yaml` refuses an alias bomb here ("Excessive alias count …").
    throw new ScenarioError(source, [{ pointer: '', line: 1, column: 1, message: `YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  if (!isMap(doc.contents) && !(raw && typeof raw === 'object' && !Array.isArray(raw)) || isSeq(doc.contents)) {
    throw new ScenarioError(source, [{ pointer: '', line: 1, column: 1, message: 'must be a mapping (service providers, MVPDs, users…), see schemas/scenario.schema.json' }]);
  }
  const validate = o.schema === false ? undefined : schemaValidators().scenario;
  const problems = !validate || validate(raw) ? semanticProblems(raw as JsonObject, description) : schemaProblems(validate.errors ?? []);
  if (problems.length) throw new ScenarioError(source, problems.map((p) => ({ ...p, ...locate(doc, lines, p.pointer) })));
  return normalize(raw as JsonObject, source);
}

/** Reads a scenario file (default: the shipped default scenario). */
export function loadScenario(description: Description, path: string = defaultScenarioPath): Scenario {
  let text: string;
  try {
    text = readTextFileSync(path);
  } catch (error) {
    throw new ScenarioError(path, [{ pointer: '', message: `cannot read the file (${(error as InputFileError).reason})` }]);
  }
  return parseScenario(text, path, description, { schema: path !== defaultScenarioPath });
}
