import { join } from 'node:path';
import { acquireLockFile } from '../../io/lock/lock-file.js';
import type { LockFile } from '../../io/lock/lock-file.js';

/**
 * One command per output date at a time: the lock file `<out>/.<date>.lock` beside the outputs,
 * held by `run` (from before it reads the inputs until it has published) and by `deliver` (from
 * before it reads the run until the summary is in the manifest), so a re-run never publishes under
 * a delivery and a delivery never reads a run being replaced.
 */
export function acquireRunLock(outDir: string, date: string, purpose = `run ${date}`): Promise<LockFile> {
  const path = join(outDir, `.${date}.lock`);
  return acquireLockFile(path, purpose, (who) => `another run or delivery of ${date} is in progress (lock ${path}, ${who})`);
}
