// Grouping report rows: groups in order of first appearance, items kept in order.
import { expect, it } from 'vitest';
import { groupBy } from '../../src/report/group.ts';

it('groups by key in one pass, groups and items in their order', () => {
  const groups = groupBy(['b1', 'a1', 'b2', 'c1', 'a2'], (s) => s[0]);
  expect([...groups]).toEqual([['b', ['b1', 'b2']], ['a', ['a1', 'a2']], ['c', ['c1']]]);
  expect(groupBy([], (s: string) => s).size).toBe(0);
});
