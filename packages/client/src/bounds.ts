// Checks of the numbers that bound retries, waits and memory, made when a client is built: NaN (a
// `Number()` of a missing setting) compares false with everything, so a bound given as NaN
// stopped nothing (429s retried for ever, Retry-After waited for however long it said, caches and
// the device table never forgot anything).
import { MAX_TIMER_MS } from './clock.ts';

/** `value` when it is a whole number from 0 up (retries, entries kept), else a RangeError naming `name`. */
export function wholeNumber(name: string, value: number): number {
  if (!(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`${name} must be a whole number from 0 up, got ${value}`);
  return value;
}

/** `value` when it is a finite number of milliseconds from 0 up, else a RangeError naming `name`. */
export function milliseconds(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${name} must be a finite number of milliseconds from 0 up, got ${value}`);
  return value;
}

/** `value` when it is a finite number above 0 (a rate), else a RangeError naming `name`. */
export function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a finite number above 0, got ${value}`);
  return value;
}

/**
 * `value` when it is a timer delay Node keeps, from 1 ms to MAX_TIMER_MS, else a RangeError naming
 * `name`: a longer one (or 0, or NaN) fires after 1 ms.
 */
export function timerMs(name: string, value: number): number {
  if (!(value > 0 && value <= MAX_TIMER_MS)) throw new RangeError(`${name} must be a number of milliseconds from 1 to ${MAX_TIMER_MS} (24.8 days, the longest timer Node keeps), got ${value}`);
  return value;
}
