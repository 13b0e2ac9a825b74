// The CHANGELOG rule: every breaking change since the last release names its `METHOD /path` in the changelog.
import type { Change } from './change.ts';

/**
 * The part of the changelog written since `releasedVersion`: every section above the first `## ` heading that
 * names that version (the whole text when no heading does, e.g. before the first release).
 */
export function unreleasedPart(changelog: string, releasedVersion: string | undefined): string {
  if (!releasedVersion) return changelog;
  const lines = changelog.split('\n');
  const heading = new RegExp(`^##\\s.*(?<![\\w.])v?${escapeRegExp(releasedVersion)}(?![\\w.])`);
  const at = lines.findIndex((line) => heading.test(line));
  return at < 0 ? changelog : lines.slice(0, at).join('\n');
}

/** Breaking changes whose operation (or, for document-level ones, rule id) the text does not mention. */
export function undocumentedBreakingChanges(changes: Change[], text: string): Change[] {
  return changes.filter((c) => c.level === 'breaking' && !mentions(text, c.operation ?? c.rule));
}

/** Whether `text` names `name` whole: `GET /pets/{petId}` or `server-removed-x` does not name `GET /pets` or `server-removed`. */
const mentions = (text: string, name: string): boolean => new RegExp(`(?<![\\w/-])${escapeRegExp(name)}(?![\\w/{}-])`).test(text);

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
