// Adobe's throttle step, fed the scenario table of the throttling page
// (reference/adobe-pass/features/throttling-mechanism.md, "Scenario example for throttling") row by
// row. The expected outcomes and counts are copied by hand from the table's columns.
import { describe, expect, it } from 'vitest';
import { throttleStep, type ThrottleState } from '../../src/description/throttle.ts';

const ADOBE = { ratePerSecond: 1, burst: 10 };

// Time since first request (s) | response | "calls consumed from the limit" | "calls marked as burst" | "calls receive 429"
const TABLE: [number, 200 | 429, number, number, number][] = [
  [0, 200, 1, 0, 0],
  [0.3, 200, 1, 1, 0],
  [0.6, 200, 1, 2, 0],
  [0.9, 200, 1, 3, 0],
  [1.2, 200, 2, 3, 0],
  [1.3, 200, 2, 4, 0],
  [1.4, 200, 2, 5, 0],
  [1.5, 200, 2, 6, 0],
  [1.6, 200, 2, 7, 0],
  [1.7, 200, 2, 8, 0],
  [1.8, 200, 2, 9, 0],
  [2.1, 200, 3, 9, 0],
  [2.2, 200, 3, 10, 0],
  [2.4, 429, 3, 10, 1],
  [2.6, 429, 3, 10, 2],
  [2.8, 429, 3, 10, 3],
  [3.1, 200, 4, 10, 3],
];

describe('throttleStep', () => {
  it('plays out the throttling page\'s table row by row: responses and every count', () => {
    const start = 1_700_000_000_000;
    let state: ThrottleState | undefined;
    let limit = 0;
    let refused = 0;
    const rows: [number, number, number, number, number][] = [];
    for (const [second] of TABLE) {
      const burstBefore = state?.burstLeft ?? ADOBE.burst;
      const step = throttleStep(state, start + Math.round(second * 1000), ADOBE);
      state = step.state;
      if (!step.admitted) refused++;
      else if (state.burstLeft === burstBefore) limit++;
      rows.push([second, step.admitted ? 200 : 429, limit, ADOBE.burst - state.burstLeft, refused]);
    }
    expect(rows).toEqual(TABLE);
  });

  it('gives the burst once: after an hour idle, a second request in one window is refused', () => {
    let state: ThrottleState | undefined;
    const at = (s: number) => {
      const step = throttleStep(state, s * 1000, ADOBE);
      state = step.state;
      return step.admitted;
    };
    for (const [second] of TABLE) at(second);
    expect([at(3600), at(3600.5), at(3601)]).toEqual([true, false, true]);
  });

  it('does not change the state it is given (the simulator\'s store and the audit\'s fold keep their own)', () => {
    const first = throttleStep(undefined, 0, ADOBE).state;
    const copy = structuredClone(first);
    throttleStep(first, 100, ADOBE);
    expect(first).toEqual(copy);
  });
});
