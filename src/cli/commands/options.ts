// Option parsers shared by the commands (commander calls them; a bad value is a usage error).
import { InvalidArgumentError } from 'commander';

/** A parser for an option given in seconds (`--timeout 90`, `--request-timeout 2.5`); `name` goes in the error. */
export const seconds = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number of seconds, got "${value}"`);
  return n;
};

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError(`expected a port number from 0 to 65535, got "${value}"`);
  return port;
}
