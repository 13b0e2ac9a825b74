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

const pattern = (what: string) => new RegExp(`^${what.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

export interface Applied {
  findings: (Finding & { waiver?: Waiver })[];
  /** Waivers that match nothing any more: Adobe or we changed; remove them. */
  stale: Waiver[];
}

/** Marks each finding with the first waiver that matches it. */
export function applyWaivers(findings: Finding[], waivers: Waiver[]): Applied {
  const compiled = waivers.map((w) => ({ w, re: pattern(w.what), used: false }));
  const marked = findings.map((f) => {
    const hit = compiled.find((c) => c.re.test(f.key));
    if (!hit) return f;
    hit.used = true;
    return { ...f, waiver: hit.w };
  });
  return { findings: marked, stale: compiled.filter((c) => !c.used).map((c) => c.w) };
}
