// A problem with how a command was invoked (exit code 2); in its own module so the CLI can load it without the check.
export class UsageError extends Error {
  override name = 'UsageError';
}
