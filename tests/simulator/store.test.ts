// The in-memory state store: expiry on the simulator's clock, a bound per namespace, atomic updates.
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../../src/simulator/clock.ts';
import { createRandom } from '../../src/simulator/random.ts';
import { MemoryStore } from '../../src/simulator/store.ts';

describe('MemoryStore', () => {
  it('forgets an entry when the clock passes its expiry', async () => {
    let now = 0;
    const store = new MemoryStore({ now: () => now });
    await store.set('sessions', 'a', { x: 1 }, 1000);
    await store.set('sessions', 'b', { x: 2 });
    expect(await store.get('sessions', 'a')).toEqual({ x: 1 });
    now = 1000;
    expect(await store.get('sessions', 'a')).toBeUndefined();
    expect(await store.get('sessions', 'b')).toEqual({ x: 2 });
    expect(await store.counts()).toEqual({ sessions: 1 });
  });

  it('keeps at most maxEntries per namespace, evicting the least recently written', async () => {
    const store = new MemoryStore({ now: () => 0, maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) await store.set('profiles', k, k);
    await store.set('profiles', 'a', 'a2'); // rewritten: now the newest
    await store.set('profiles', 'd', 'd');
    expect((await store.entries('profiles')).map(([k]) => k)).toEqual(['c', 'a', 'd']);
    await store.set('tokens', 'x', 'x');
    expect(await store.counts()).toEqual({ profiles: 3, tokens: 1 });
  });

  it('sweeps expired entries as writes go on, so a long run stays bounded', async () => {
    let now = 0;
    const store = new MemoryStore({ now: () => now });
    for (let i = 0; i < 10_000; i++) {
      now = i;
      await store.set('throttle', `k${i}`, i, now + 100);
    }
    expect((await store.counts()).throttle).toBeLessThanOrEqual(100);
  });

  it('updates atomically and deletes when the update returns no value', async () => {
    const store = new MemoryStore({ now: () => 0 });
    const results = await Promise.all(Array.from({ length: 50 }, () => store.update<number, number>('throttle', 'n', (n = 0) => ({ value: n + 1, result: n + 1 }))));
    expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await store.update('throttle', 'n', () => ({ result: undefined }));
    expect(await store.get('throttle', 'n')).toBeUndefined();
  });
});

describe('virtual clock and seeded randomness', () => {
  it('advances only forward and resets', () => {
    let base = 100;
    const clock = createVirtualClock(() => base);
    clock.advance(50);
    base = 110;
    expect(clock.now()).toBe(160);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    clock.reset();
    expect(clock.now()).toBe(110);
  });

  it('gives the same stream for the same seed and a different one for another', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom('other');
    const draw = (r: ReturnType<typeof createRandom>) => [r.uuid(), r.string(7), r.next()];
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
    expect(first[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
