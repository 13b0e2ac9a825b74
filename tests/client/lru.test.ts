// The LRU map the caches and the device throttle keep their entries in.
import { describe, expect, it } from 'vitest';
import { setRecent } from '../../packages/client/src/lru.ts';

describe('setRecent', () => {
  it('keeps at most max entries, forgetting the least recently stored', () => {
    const map = new Map<string, number>();
    for (const [k, v] of [['a', 1], ['b', 2], ['c', 3]] as const) setRecent(map, k, v, 3);
    setRecent(map, 'a', 10, 3); // a is the most recent now: b is the oldest
    setRecent(map, 'd', 4, 3);
    expect([...map]).toEqual([['c', 3], ['a', 10], ['d', 4]]);
  });

  it('replaces a key in a full map without forgetting another', () => {
    const map = new Map([['a', 1], ['b', 2]]);
    setRecent(map, 'a', 3, 2);
    expect([...map]).toEqual([['b', 2], ['a', 3]]);
  });
});
