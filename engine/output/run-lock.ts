import { join } from 'node:path';
import { acquireLockFile } from '../../io/lock/lock-file.js';
import type { LockFile } from '../../io/lock/lock-file.js';

/** One run per output date at a time: the lock file `<out>/.<date>.lock` beside the outputs. */
export function acquireRunLock(outDir: string, date: string): Promise<LockFile> {
  const path = join(outDir, `.${date}.lock`);
  return acquireLockFile(path, `run ${date}`, (who) => `another run for ${date} is in progress (lock ${path}, ${who})`);
}
