// The accepted-drift file: matching drift is reported as accepted, an expired entry fails the run,
// and a bad file gets an error that says where and what.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAcceptances } from '../../src/contract/drift-file.ts';
import type { JsonObject } from '../../src/description/document.ts';
import type { Injection } from '../support/fake-adobe/index.ts';
import { ALIAS_BOMB } from '../support/yaml-bomb.ts';
import { checkAgainst, description } from './support.ts';

const ids = description.operations.map((op) => op.operationId);
const drifted: Injection = { drift: (a) => (a.status === 200 ? { ...a, body: { ...(a.body as JsonObject), device: 3 } } : a) };
const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');

async function fileWith(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'pass-accept-')), 'pass-contract.drift.yaml');
  await writeFile(path, text);
  return path;
}

const entry = (expires: string, pointer = '/device') => `accepted:\n  - operation: retrieveConfiguration\n    pointer: ${pointer}\n    rule: field-type\n    reason: Adobe sends a number here; ticket PASS-12\n    expires: ${expires}\n`;

describe('accepted drift', () => {
  it('a matching entry turns the drift into accepted drift: exit 0, listed with its reason', async () => {
    const r = await checkAgainst({ inject: { retrieveConfiguration: drifted } }, { operations: ['retrieveConfiguration'], driftFile: await fileWith(entry('2026-06-01')), now: () => NOW });
    expect(r.result.exitCode).toBe(0);
    expect(r.result.counts).toMatchObject({ breaking: 0, accepted: 1 });
    const d = r.find('retrieveConfiguration', 'example')[0]!.drifts[0]!;
    expect(d.accepted).toEqual({ reason: 'Adobe sends a number here; ticket PASS-12', expires: '2026-06-01' });
    expect((await r.files())['summary.md']).toMatch(/### Accepted drift[\s\S]*\| `retrieveConfiguration` \| `\/device` \| `field-type` \| Adobe sends a number here; ticket PASS-12 \| 2026-06-01 \|/);
  });

  it('an expired entry fails the run, and no longer accepts the drift', async () => {
    const r = await checkAgainst({ inject: { retrieveConfiguration: drifted } }, { operations: ['retrieveConfiguration'], driftFile: await fileWith(entry('2026-05-31')), now: () => NOW });
    expect(r.result.exitCode).toBe(1);
    expect(r.result.counts.accepted).toBe(0);
    expect(r.result.report.acceptances!.expired).toHaveLength(1);
    expect((await r.files())['summary.md']).toMatch(/### ❌ Expired acceptances[\s\S]*expired 2026-05-31/);
  });

  it('an expired entry fails the run even when the drift is gone', async () => {
    const r = await checkAgainst({}, { operations: ['retrieveConfiguration'], driftFile: await fileWith(entry('2026-01-01')), now: () => NOW + DAY });
    expect(r.result.counts.breaking).toBe(0);
    expect(r.result.exitCode).toBe(1);
  });

  it('a * entry accepts the one row that stands for a field in every item of a list', async () => {
    // A field with the wrong type in each of 300 MVPDs: one row (more: 299), accepted by one entry.
    const everyMvpd: Injection = {
      drift: (a) => {
        if (a.status !== 200) return a;
        const body = a.body as JsonObject;
        const first = ((body.requestor as JsonObject).mvpds as JsonObject[])[0]!;
        return { ...a, body: { ...body, requestor: { ...(body.requestor as JsonObject), mvpds: Array.from({ length: 300 }, (_, i) => ({ ...first, id: `M${i}`, displayName: i })) } } };
      },
    };
    const accept = entry('2026-06-01', '/requestor/mvpds/*/displayName');
    const r = await checkAgainst({ inject: { retrieveConfiguration: everyMvpd } }, { operations: ['retrieveConfiguration'], driftFile: await fileWith(accept), now: () => NOW });
    const [row] = r.find('retrieveConfiguration', 'example')[0]!.drifts;
    expect(row).toMatchObject({ rule: 'field-type', pointer: '/requestor/mvpds/0/displayName', more: 299, accepted: { expires: '2026-06-01' } });
    expect(r.result.exitCode).toBe(0);
  });

  it('a * segment matches any one segment of the pointer', () => {
    const a = parseAcceptances(entry('2030-01-01', '/logouts/*/url'), 'f.yaml', ids);
    expect(a.entries[0]!.pointer).toBe('/logouts/*/url');
  });
});

describe('a bad accepted-drift file', () => {
  it.each([
    ['not YAML', 'accepted: [\n  - {operation: x', /^the accepted-drift file|f\.yaml:\d+:\d+: not valid YAML/],
    ['an alias bomb', ALIAS_BOMB, /^f\.yaml: not valid YAML: Excessive alias count indicates a resource exhaustion attack$/],
    ['a missing reason', 'accepted:\n  - operation: retrieveConfiguration\n    pointer: /device\n    rule: field-type\n    expires: 2030-01-01\n', /f\.yaml:2:5: accepted\.0: missing "reason"/],
    ['an unknown rule', entry('2030-01-01').replace('field-type', 'field-typo'), /f\.yaml:4:11: accepted\.0\.rule: must be a rule id \(status-undocumented,/],
    ['an unknown operation', entry('2030-01-01').replace('retrieveConfiguration', 'retrieveConfig'), /f\.yaml:2:16: accepted\.0\.operation: unknown operationId "retrieveConfig"/],
    ['a date that is not a date', entry('soon'), /f\.yaml:6:14: accepted\.0\.expires: must be a date YYYY-MM-DD/],
    ['a day the month does not have', entry('2030-02-30'), /f\.yaml:6:14: accepted\.0\.expires: "2030-02-30" is not a calendar date/],
    ['a pointer without a leading slash', entry('2030-01-01', 'device'), /f\.yaml:3:14: accepted\.0\.pointer: must be a JSON Pointer/],
    ['an unknown key', `${entry('2030-01-01')}    owner: me\n`, /accepted\.0: unknown key "owner"/],
  ])('%s', (_, text, message) => {
    expect(() => parseAcceptances(text, 'f.yaml', ids)).toThrow(message);
  });

  it('a file given but missing is a usage error', async () => {
    await expect(checkAgainst({}, { driftFile: '/nonexistent/pass-contract.drift.yaml' })).rejects.toThrow(/cannot read the accepted-drift file \/nonexistent\/pass-contract\.drift\.yaml: ENOENT/);
  });
});
