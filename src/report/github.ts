// GitHub Actions workflow commands (`::error title=…::message`) for annotations in CI logs.
// Escaping follows GitHub's documentation of workflow commands (and @actions/core's command.ts):
// in the message %, CR and LF; in a property value also `:` and `,`, which end the property.

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
