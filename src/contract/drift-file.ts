// The accepted-drift file (`pass-contract.drift.yaml`): drifts the user knows about, each with a
// reason and an expiry date. A matching drift is reported as accepted; an expired entry fails the run.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { Drift } from './check-response.ts';
import { RULES, type RuleId } from './rules.ts';
import type { CaseResult } from './results.ts';
import { settle } from './results.ts';
import { readTextFile, type InputFileError } from '../files/read-text.ts';
import { UsageError } from './target.ts';

export const DEFAULT_DRIFT_FILE = 'pass-contract.drift.yaml';

export interface AcceptedDrift {
  operation: string;
  // JSON Pointer as the report prints it; a `*` segment matches any one segment (/logouts/*/url).
  pointer: string;
  rule: RuleId;
  reason: string;
  /** Last day the acceptance holds (YYYY-MM-DD, UTC). */
  expires: string;
}

export interface Acceptances {
  file: string;
  entries: AcceptedDrift[];
}

const SCHEMA = {
  type: 'object',
  required: ['accepted'],
  additionalProperties: false,
  properties: {
    accepted: {
      type: 'array',
      items: {
        type: 'object',
        required: ['operation', 'pointer', 'rule', 'reason', 'expires'],
        additionalProperties: false,
        properties: {
          operation: { type: 'string', minLength: 1 },
          pointer: { type: 'string', pattern: '^(/.*)?$' },
          rule: { enum: Object.keys(RULES) },
          reason: { type: 'string', minLength: 1 },
          expires: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
        },
      },
    },
  },
} as const;

const validate = new Ajv2020({ allErrors: true }).compile(SCHEMA);

/** Reads and validates the file; every problem says where (line:column) and what is wrong. */
export async function loadAcceptances(file: string, operationIds: string[]): Promise<Acceptances> {
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (error) {
    throw new UsageError(`cannot read the accepted-drift file ${file}: ${(error as InputFileError).reason}`);
  }
  return parseAcceptances(text, file, operationIds);
}

export function parseAcceptances(text: string, file: string, operationIds: string[]): Acceptances {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return file;
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new UsageError(`${at(e.pos[0])}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // Parsed, but not buildable: `yaml` refuses an alias bomb here ("Excessive alias count …").
    throw new UsageError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const where = (path: (string | number)[]) => {
    const node = doc.getIn(path, true);
    return at(isNode(node) ? node.range?.[0] : undefined);
  };
  const problems: string[] = [];
  if (!validate(data)) {
    for (const e of validate.errors ?? []) {
      const path = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      const p = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: string[] };
      const detail = p.missingProperty ? `missing "${p.missingProperty}"` : p.additionalProperty ? `unknown key "${p.additionalProperty}"` : e.keyword === 'enum' ? `must be a rule id (${Object.keys(RULES).join(', ')})` : e.keyword === 'pattern' && e.instancePath.endsWith('/expires') ? 'must be a date YYYY-MM-DD' : e.keyword === 'pattern' ? 'must be a JSON Pointer ("" or starting with /)' : e.message;
      problems.push(`${where(path)}: ${e.instancePath.slice(1).replace(/\//g, '.') || '(file)'}: ${detail}`);
    }
  } else {
    const entries = (data as { accepted: AcceptedDrift[] }).accepted;
    entries.forEach((entry, i) => {
      if (!operationIds.includes(entry.operation)) problems.push(`${where(['accepted', i, 'operation'])}: accepted.${i}.operation: unknown operationId "${entry.operation}"`);
      // Date.parse rolls 2030-02-30 over to March 2: a real date reads back as itself.
      const day = Date.parse(`${entry.expires}T00:00:00Z`);
      if (Number.isNaN(day) || new Date(day).toISOString().slice(0, 10) !== entry.expires) problems.push(`${where(['accepted', i, 'expires'])}: accepted.${i}.expires: "${entry.expires}" is not a calendar date`);
    });
  }
  if (problems.length > 0) throw new UsageError(`the accepted-drift file is invalid:\n  ${problems.join('\n  ')}`);
  return { file, entries: (data as { accepted: AcceptedDrift[] }).accepted };
}

/** An entry has expired once its `expires` day (UTC) is over. */
export const isExpired = (entry: AcceptedDrift, now: number): boolean => now >= Date.parse(`${entry.expires}T00:00:00Z`) + 86_400_000;

function pointerMatches(pattern: string, pointer: string): boolean {
  const a = pattern.split('/');
  const b = pointer.split('/');
  return a.length === b.length && a.every((seg, i) => seg === '*' || seg === b[i]);
}

const matches = (entry: AcceptedDrift, operationId: string, d: Drift) => entry.operation === operationId && entry.rule === d.rule && pointerMatches(entry.pointer, d.pointer);

export class AcceptanceMatcher {
  private readonly used = new Set<AcceptedDrift>();
  constructor(private readonly acceptances: Acceptances | undefined, private readonly now: number) {}

  get expired(): AcceptedDrift[] {
    return (this.acceptances?.entries ?? []).filter((e) => isExpired(e, this.now));
  }

  /** Entries that matched nothing in this run (candidates for removal). */
  get unused(): AcceptedDrift[] {
    return (this.acceptances?.entries ?? []).filter((e) => !this.used.has(e) && !isExpired(e, this.now));
  }

  /** Marks the drifts an entry (not expired) accepts, and settles the outcome again. */
  apply(result: CaseResult): CaseResult {
    if (!this.acceptances || result.drifts.length === 0) return result;
    const drifts = result.drifts.map((d) => {
      const entry = this.acceptances!.entries.find((e) => !isExpired(e, this.now) && matches(e, result.operationId, d));
      if (!entry) return d;
      this.used.add(entry);
      return { ...d, accepted: { reason: entry.reason, expires: entry.expires } };
    });
    return settle({ ...result, drifts });
  }
}
