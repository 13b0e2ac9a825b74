// Defines one vitest test per contract case of the given tags, run against the embedded mock.
import { describe, expect, inject, it } from 'vitest';
import { buildCases } from '../../src/contract/cases.ts';
import { ResponseChecker } from '../../src/contract/check-response.ts';
import { DEFAULT_BOUNDS } from '../../src/http/exchange.ts';
import { MockTarget } from '../../src/contract/mock-target.ts';
import { runCases } from '../../src/contract/run.ts';
import { loadDescription } from '../../src/description/index.ts';

const description = loadDescription();
const { doc, operations, validator } = description;
const checker = new ResponseChecker(doc, validator);
const cases = buildCases(doc, operations, 'mock');

export function contractSuite(tag: string): void {
  const ops = operations.filter((op) => (op.node.tags as string[]).includes(tag));
  const mine = cases.filter((c) => ops.some((op) => op.operationId === c.operationId));
  describe(`contract: ${tag}`, () => {
    it('has cases for every operation of the tag', () => {
      expect(ops.length).toBeGreaterThan(0);
      for (const op of ops) expect(mine.filter((c) => c.operationId === op.operationId).length, op.operationId).toBeGreaterThan(1);
    });
    it.each(mine.map((c) => ({ name: c.id, c })))('$name', async ({ c }) => {
      const target = new MockTarget(inject('mockUrl'), DEFAULT_BOUNDS);
      await target.open();
      const { results: [result] } = await runCases([c], { target, operations, checker });
      expect(result!.error).toBeUndefined();
      expect(result!.drifts).toEqual([]);
      expect(result!.status).toBe(c.expect.status);
    });
  });
}
