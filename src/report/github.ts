// GitHub Actions workflow commands (`::error title=…::message`) for annotations in CI logs.
// Escaping follows GitHub's documentation of workflow commands (and @actions/core's command.ts):
// in the message %, CR and LF; in a property value also `:` and `,`, which end the property.
import { oneLine } from './text.ts';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One annotation line: `::level k=v,k=v::message`, properties without a value left out. */
export function annotation(level: AnnotationLevel, message: string, properties: Record<string, string | undefined> = {}): string {
  const props = Object.entries(properties)
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${level}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/**
 * Annotations GitHub shows of each level in one step: 10 errors, 10 warnings, 10 notices; the rest
 * are dropped without a word (actions/toolkit, docs/problem-matchers.md: "Limitations").
 */
export const ANNOTATIONS_PER_LEVEL = 10;

/**
 * Hands out a step's annotations. Per level, the first 9 go out as given and the 10th says the
 * level is full; past that, an annotation becomes `overflow` (a plain log line) or nothing. Before,
 * a run with 40 breaking drifts printed 40 `::error` lines, of which GitHub showed the first 10 and
 * said nothing of the others; in `diff` and `audit`, whose GitHub format is only annotations, the
 * rest were then nowhere but in a log that looked complete.
 */
export class AnnotationBudget {
  private readonly used = new Map<AnnotationLevel, number>();

  constructor(private readonly perLevel = ANNOTATIONS_PER_LEVEL) {}

  /** The lines to print for one annotation (none, one, or the level-full notice and the overflow line). */
  lines(level: AnnotationLevel, message: string, properties: Record<string, string | undefined> = {}, overflow?: string): string[] {
    const n = (this.used.get(level) ?? 0) + 1;
    this.used.set(level, n);
    if (n < this.perLevel) return [annotation(level, message, properties)];
    const rest = overflow === undefined ? [] : [oneLine(overflow)];
    if (n > this.perLevel) return rest;
    return [annotation(level, `more ${level} annotations than GitHub shows in one step (${this.perLevel}): the rest are in this log and in the reports`, { title: 'pass-contract: annotations cut' }), ...rest];
  }
}
