import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LockError } from '../../engine/errors.js';

const LOCK_FILE = 'deliver.lock';

interface LockOwner {
  pid: number;
  host: string;
  purpose: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

export interface StateLock {
  release(): Promise<void>;
}

/**
 * Takes the state directory's lock (`<state>/deliver.lock`, created with O_EXCL) so that two
 * deliveries, or a delivery and a purge, never write the same ledger at once. A lock left by a
 * process of this host that no longer runs (kill -9, power loss) is taken over; one held by a live
 * process, or by another host, is an error naming the owner.
 */
export async function acquireStateLock(stateDir: string, purpose: string): Promise<StateLock> {
  await mkdir(stateDir, { recursive: true });
  const path = join(stateDir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), purpose, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(me)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await readOwner(path);
    // An owner we cannot read is a lock being written right now: treat it as held.
    if (owner === null || owner.host !== me.host || isAlive(owner.pid)) {
      const who = owner === null ? 'another process' : `pid ${owner.pid} on ${owner.host} (${owner.purpose}, since ${owner.since})`;
      throw new LockError(`state directory ${stateDir} is locked by ${who}; wait for it to finish, or remove ${path} if that process is gone`);
    }
    await rm(path, { force: true });
  }
  throw new LockError(`state directory ${stateDir}: could not take the lock ${path}`);
}
