// Checks of the numbers that bound retries, waits and memory, made when a client is built: NaN (a
// `Number()` of a missing setting) compares false with everything, so a bound given as NaN
// stopped nothing (429s retried for ever, Retry-After waited for however long it said, caches and
// the device table never forgot anything).

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
