// Checks of the numbers that bound retries and waits, made when a client is built: NaN (a
// `Number()` of a missing setting) compares false with everything, so a bound given as NaN
// stopped nothing (429s retried for ever, Retry-After waited for however long it said).

/** `value` when it is a whole number from 0 up (a count of retries), else a RangeError naming `name`. */
export function retriesBound(name: string, value: number): number {
  if (!(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`${name} must be a whole number from 0 up, got ${value}`);
  return value;
}

/** `value` when it is a finite number of milliseconds from 0 up, else a RangeError naming `name`. */
export function millisecondsBound(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${name} must be a finite number of milliseconds from 0 up, got ${value}`);
  return value;
}
