import { join } from 'node:path';
import { acquireLockFile } from '../../io/lock/lock-file.js';
import type { LeaseOptions, LockFile } from '../../io/lock/lock-file.js';

/** `<out>/.<date>.lock`: the lock of one output date. */
export function runLockPath(outDir: string, date: string): string {
  return join(outDir, `.${date}.lock`);
}

/**
 * One command per output date at a time: the lock file `<out>/.<date>.lock` beside the outputs,
 * held by `run` (from before it reads the inputs until it has published) and by `deliver` (from
 * before it reads the run until the summary is in the manifest), so a re-run never publishes under
 * a delivery and a delivery never reads a run being replaced. A refusal names the holder, its last
 * refresh, and the command that clears a lock whose holder is gone.
 */
export function acquireRunLock(outDir: string, date: string, purpose = `run ${date}`, lease: LeaseOptions = {}): Promise<LockFile> {
  const path = runLockPath(outDir, date);
  return acquireLockFile(path, purpose, (who) => `another run or delivery of ${date} is in progress (lock ${path}, ${who}); retry later, or if that process is gone: campaign unlock --out ${outDir} --date ${date}`, lease);
}
