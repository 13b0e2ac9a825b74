// Waiting in tests for something another process or a timer brings about: look again every 20 ms
// until it holds. The test's own timeout bounds the wait.
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once `ok` holds. */
export async function until(ok: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await ok())) await sleep(20);
}
