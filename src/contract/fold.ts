// A proxy's report is the size of what it found, not of the traffic it saw. Every exchange used to
// be a row: a day of staging traffic made report.json tens of megabytes, rewritten every 200 ms,
// and each exchange cost more than the one before (the rows were copied for every report). An
// exchange now folds into the row of an earlier one with the same operation, status, outcome and
// drift (rule, place and expectation: not the values seen, which differ from call to call).
import type { CaseResult } from './results.ts';

/** Distinct rows a report keeps; past them, a new kind of result folds by operation, status and outcome only. */
export const DISTINCT_ROWS = 1000;

/** What makes two results the same row. Numbers in an error (sizes, milliseconds) do not. */
const signature = (r: CaseResult): string =>
  JSON.stringify([r.operationId, r.status ?? null, r.outcome, r.tier ?? null, r.contentType ?? null, (r.error ?? '').replace(/\d+/g, '#'), r.drifts.map((d) => [d.rule, d.pointer, d.expected, d.accepted ? 1 : 0]).sort()]);
const coarse = (r: CaseResult): string => JSON.stringify(['*', r.operationId, r.status ?? null, r.outcome, r.tier ?? null]);

export class FoldedResults {
  /** The rows, in the order their first exchange came; each the first exchange of its kind. */
  readonly rows: CaseResult[] = [];
  private readonly byKey = new Map<string, CaseResult>();

  constructor(private readonly maxRows = DISTINCT_ROWS) {}

  /** Adds one exchange's result; returns the row it went to. */
  add(result: CaseResult, at: string): CaseResult {
    const exact = signature(result);
    const existing = this.byKey.get(exact) ?? (this.rows.length >= this.maxRows ? this.byKey.get(coarse(result)) : undefined);
    if (existing) {
      existing.repeats = (existing.repeats ?? 0) + 1;
      existing.lastSeenAt = at;
      return existing;
    }
    const over = this.rows.length >= this.maxRows;
    const row: CaseResult = over
      ? { ...result, id: `${result.id} (and exchanges with other ${result.outcome} of this operation and status: over ${this.maxRows} distinct rows, folded here)` }
      : { ...result };
    this.rows.push(row);
    this.byKey.set(over ? coarse(result) : exact, row);
    return row;
  }
}
