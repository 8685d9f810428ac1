import { join } from 'node:path';
import { acquireLockFile } from '../lock/lock-file.js';
import type { LeaseOptions, LockFile } from '../lock/lock-file.js';

const LOCK_FILE = 'deliver.lock';

export type StateLock = LockFile;

/** `<state>/deliver.lock`: the lock of one ledger. */
export function stateLockPath(stateDir: string): string {
  return join(stateDir, LOCK_FILE);
}

/**
 * Takes the state directory's lock (`<state>/deliver.lock`) so that two deliveries, or a
 * delivery and a purge, never write the same ledger at once.
 */
export function acquireStateLock(stateDir: string, purpose: string, lease: LeaseOptions = {}): Promise<StateLock> {
  const path = stateLockPath(stateDir);
  return acquireLockFile(path, purpose, (who) => `state directory ${stateDir} is locked (lock ${path}, ${who}); retry later, or if that process is gone: campaign unlock --state ${stateDir}`, lease);
}
