import { join } from 'node:path';
import { acquireLockFile } from '../lock/lock-file.js';
import type { LockFile } from '../lock/lock-file.js';

const LOCK_FILE = 'deliver.lock';

export type StateLock = LockFile;

/**
 * Takes the state directory's lock (`<state>/deliver.lock`) so that two deliveries, or a
 * delivery and a purge, never write the same ledger at once.
 */
export function acquireStateLock(stateDir: string, purpose: string): Promise<StateLock> {
  const path = join(stateDir, LOCK_FILE);
  return acquireLockFile(path, purpose, (who) => `state directory ${stateDir} is locked by ${who}; wait for it to finish, or remove ${path} if that process is gone`);
}
