// One row per kind of difference, not per list item: when Adobe adds a field to each of 600 MVPDs,
// the check says so once, with the count, instead of 600 times (600 console lines, 600 annotations,
// 600 report rows). And a bound on the rows of one body: a host that sends 40,000 unknown fields
// gets 100 rows and a count, not a 15 MB report (683 MB of memory for one case).
import type { Json } from '../description/document.ts';
import type { Finding } from './classify.ts';
import { RULES, TIER_ORDER } from './rules.ts';

/** Rows one body gets at most, the most severe first; the rest are counted per rule. */
export const MAX_BODY_ROWS = 100;

export interface GroupedFinding extends Finding {
  /** How many other findings this row stands for. */
  more: number;
  /** The rule, place and expectation repeated in other items of a list: the place with `*` for the item. */
  items?: string;
  /** The row counts findings beyond MAX_BODY_ROWS that are not listed. */
  unlisted?: true;
}

/** `pointer` with each index into a list of `body` written `*`, so that every item's `colour` in `/requestor/mvpds` has one place. */
export function listPattern(pointer: string, body: Json): string {
  if (pointer === '') return pointer;
  let node: Json | undefined = body;
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    if (Array.isArray(node) && /^\d+$/.test(raw)) {
      out += '/*';
      node = node[Number(raw)];
    } else {
      out += `/${raw}`;
      node = node !== null && typeof node === 'object' && !Array.isArray(node) ? node[raw.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    }
  }
  return out;
}

/**
 * The findings of one body, one row per rule, place (list items alike) and expectation, in the
 * order first seen; past `max` rows the most severe are kept and the rest counted, one row per rule.
 */
export function groupFindings(findings: Finding[], body: Json, max = MAX_BODY_ROWS): GroupedFinding[] {
  const rows = new Map<string, GroupedFinding>();
  for (const f of findings) {
    const place = listPattern(f.pointer, body);
    const key = `${f.rule}\u0000${place}\u0000${f.expected}`;
    const row = rows.get(key);
    if (!row) rows.set(key, { ...f, more: 0 });
    else {
      row.more++;
      if (place !== f.pointer) row.items = place;
    }
  }
  const all = [...rows.values()];
  if (all.length <= max) return all;
  // Stable: within a tier, the order the validator reported them.
  const bySeverity = all.map((row, i) => ({ row, i })).sort((a, b) => TIER_ORDER[RULES[b.row.rule].tier] - TIER_ORDER[RULES[a.row.rule].tier] || a.i - b.i).map((x) => x.row);
  const kept = bySeverity.slice(0, max);
  const counted = new Map<string, GroupedFinding>();
  for (const row of bySeverity.slice(max)) {
    const summary = counted.get(row.rule);
    if (summary) summary.more += 1 + row.more;
    else counted.set(row.rule, { ...row, items: undefined, unlisted: true });
  }
  return [...kept, ...[...counted.values()].map(({ items: _, ...row }) => row)];
}
