// Folders of test processes that were killed before they could clean up, found by the process
// named in the folder: browser profiles, Chromium's unpack staging, the test run's temporary root.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes the directories named `<prefix><pid>-…` in `parent` whose process is gone. Names without
 * a process id are left: nothing says whose they are.
 */
export function removeAbandoned(parent: string, prefix: string): void {
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}
