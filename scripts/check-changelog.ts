// npm test step: diffs the working description (openapi/) against the last released one and fails when a
// breaking change has no entry in openapi/CHANGELOG.md naming its `METHOD /path` (README, "CHANGELOG check").
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { undocumentedBreakingChanges, unreleasedPart } from '../src/diff/changelog.ts';
import { runDiff, type Change } from '../src/diff/index.ts';

export const RELEASED_SNAPSHOT = 'openapi/released/openapi.json';
export const RELEASE_TAGS = 'v[0-9]*';

export interface Released {
  document: unknown;
  /** Where it came from: `git tag v2.0.0` or the snapshot's path. */
  from: string;
}

/**
 * The last released description: `generated/openapi.json` at the newest release tag (`v*`, by version order)
 * when the checkout has tags, else the committed snapshot (a CI clone often fetches no tags).
 */
export function findReleased(root: string): Released {
  let tags: string[] = [];
  try {
    tags = execFileSync('git', ['tag', '--list', RELEASE_TAGS, '--sort=-v:refname'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
  } catch {
    tags = []; // not a git checkout (e.g. an unpacked tarball): the snapshot decides
  }
  for (const tag of tags) {
    try {
      const text = execFileSync('git', ['show', `${tag}:generated/openapi.json`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
      return { document: JSON.parse(text), from: `git tag ${tag}` };
    } catch {
      /* a tag from before generated/ existed: try the next older one */
    }
  }
  const snapshot = join(root, RELEASED_SNAPSHOT);
  if (!existsSync(snapshot)) throw new Error(`no release to compare with: no ${RELEASE_TAGS} tag with generated/openapi.json and no ${RELEASED_SNAPSHOT}`);
  return { document: JSON.parse(readFileSync(snapshot, 'utf8')), from: RELEASED_SNAPSHOT };
}

export interface ChangelogCheck {
  released: Released;
  breaking: Change[];
  undocumented: Change[];
}

export async function checkChangelog(root: string): Promise<ChangelogCheck> {
  const released = findReleased(root);
  const report = await runDiff({ document: released.document, location: join(root, RELEASED_SNAPSHOT) }, join(root, 'openapi', 'openapi.yaml'));
  const version = (released.document as { info?: { version?: string } }).info?.version;
  const changelog = readFileSync(join(root, 'openapi', 'CHANGELOG.md'), 'utf8');
  const breaking = report.changes.filter((c) => c.level === 'breaking');
  return { released, breaking, undocumented: undocumentedBreakingChanges(breaking, unreleasedPart(changelog, version)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), '..', '..'));
  const { released, breaking, undocumented } = await checkChangelog(root);
  if (undocumented.length) {
    console.error(`openapi/CHANGELOG.md: ${undocumented.length} breaking change(s) since the release (${released.from}) have no entry naming their operation:`);
    for (const c of undocumented) console.error(`  ${c.operation ?? c.rule}: ${c.rule} — ${c.message}`);
    console.error('Add them under a heading above the released version, naming each `METHOD /path`.');
    process.exit(1);
  }
  console.log(`changelog: ${breaking.length} breaking change(s) since ${released.from}, all named in openapi/CHANGELOG.md`);
}
