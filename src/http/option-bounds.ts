// Checks of the numbers a program gives the tools' entry points (runCheck, startProxy) as bounds:
// NaN compares false with everything, so a NaN bound bounded nothing (a 429 retried for ever), and a
// delay longer than Node's longest timer fires after 1 ms (every request timed out at once).

/**
 * The longest timer Node keeps (2^31 − 1 ms, 24.8 days): the client's MAX_TIMER_MS, written out
 * because the mock, which checks its bounds here, loads nothing of the client.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** `value` when it is a timer delay Node keeps (`min`, 1 ms unless 0 is allowed, to MAX_TIMER_MS), else a RangeError naming `where` and `name`. */
export function timerOption(where: string, name: string, value: number, min: 0 | 1 = 1): number {
  if (!(value >= min && value <= MAX_TIMER_MS)) throw new RangeError(`${where}: ${name} must be a number of milliseconds from ${min} to ${MAX_TIMER_MS} (24.8 days, the longest timer Node keeps), got ${value}`);
  return value;
}

/** `value` when it is a whole number from `min` up, else a RangeError naming `where` and `name`. */
export function countOption(where: string, name: string, value: number, min: 0 | 1): number {
  if (!(Number.isSafeInteger(value) && value >= min)) throw new RangeError(`${where}: ${name} must be a whole number from ${min} up, got ${value}`);
  return value;
}
