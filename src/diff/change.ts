// One classified change between two descriptions: the shape of `changes[]` in the JSON report.
import { levelOf, type Level } from './rules.ts';

export interface Change {
  /** Stable rule id from rules.ts, e.g. `response-property-removed`. */
  rule: string;
  level: Level;
  /** `METHOD /path` as written in the revision (in the base for something removed); absent for document-level changes. */
  operation?: string;
  /** JSON pointer into the document with $refs resolved: in the revision, or in the base for something removed. */
  pointer: string;
  message: string;
}

/** A change under `rule`, at the rule's level; `operation` is left out for document-level changes. */
export const change = (rule: string, pointer: string, message: string, operation?: string): Change => ({ rule, level: levelOf(rule), ...(operation ? { operation } : {}), pointer, message });
