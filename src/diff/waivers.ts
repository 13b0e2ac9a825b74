// The waiver list (openapi/UPSTREAM-WAIVERS.yaml): known differences from Adobe's published files, each with why.
import { parse } from 'yaml';
import { readTextFile, type InputFileError } from '../files/read-text.ts';
import type { Finding } from './upstream.ts';

export interface Waiver {
  /** Matches a finding's key (`<side> <kind> <METHOD /path> <where>`); `*` stands for any text. */
  what: string;
  why: string;
  /** ERRATA.md entries that record the same choice. */
  errata?: number[];
}

export class WaiverError extends Error {
  override name = 'WaiverError';
}

export function parseWaivers(text: string, where: string): Waiver[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new WaiverError(`${where}: not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const list = (doc as { waivers?: unknown } | null)?.waivers;
  if (!Array.isArray(list)) throw new WaiverError(`${where}: expected a "waivers:" list`);
  return list.map((entry, i) => {
    const e = entry as Record<string, unknown> | null;
    const at = `${where}: waivers[${i}]`;
    if (!e || typeof e.what !== 'string' || !e.what.trim()) throw new WaiverError(`${at}: "what" must be a non-empty string`);
    if (typeof e.why !== 'string' || !e.why.trim()) throw new WaiverError(`${at} (${e.what}): "why" must say why the difference is accepted`);
    const errata = e.errata === undefined ? undefined : [e.errata].flat();
    if (errata && !errata.every((n) => Number.isInteger(n) && (n as number) > 0)) throw new WaiverError(`${at} (${e.what}): "errata" must be entry numbers of ERRATA.md`);
    const extra = Object.keys(e).filter((k) => !['what', 'why', 'errata'].includes(k));
    if (extra.length) throw new WaiverError(`${at} (${e.what}): unknown field ${extra.join(', ')}`);
    return { what: e.what.trim(), why: e.why.trim().replace(/\s+/g, ' '), ...(errata ? { errata: errata as number[] } : {}) };
  });
}

export async function loadWaivers(path: string): Promise<Waiver[]> {
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (error) {
    throw new WaiverError(`cannot read waivers ${path}: ${(error as InputFileError).reason}`);
  }
  return parseWaivers(text, path);
}

/**
 * `key` matches `what`, where `*` stands for any text: the pieces between the `*`s in order, the
 * first at the start and the last at the end. Each piece is found with indexOf, leftmost first,
 * which is enough for `*` and never backtracks; `.*` in a regular expression did, and a waiver with
 * ten `*`s took minutes against a key it did not match.
 */
function wildcardMatch(what: string, key: string): boolean {
  const pieces = what.split('*');
  if (pieces.length === 1) return what === key;
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (key.length < first.length + last.length || !key.startsWith(first) || !key.endsWith(last)) return false;
  let at = first.length;
  const end = key.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = key.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

export interface Applied {
  findings: (Finding & { waiver?: Waiver })[];
  /** Waivers that match nothing any more: Adobe or we changed; remove them. */
  stale: Waiver[];
}

/** Marks each finding with the first waiver that matches it. */
export function applyWaivers(findings: Finding[], waivers: Waiver[]): Applied {
  const compiled = waivers.map((w) => ({ w, used: false }));
  const marked = findings.map((f) => {
    const hit = compiled.find((c) => wildcardMatch(c.w.what, f.key));
    if (!hit) return f;
    hit.used = true;
    return { ...f, waiver: hit.w };
  });
  return { findings: marked, stale: compiled.filter((c) => !c.used).map((c) => c.w) };
}
