import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { LockError } from '../errors.js';

interface LockOwner {
  pid: number;
  host: string;
  purpose: string;
  since: string;
}

export interface LockFile {
  release(): Promise<void>;
}

/**
 * Takes an exclusive lock file (created with O_EXCL, owner written and fsynced). A lock left by
 * a process of this host that no longer runs (kill -9, power loss) is taken over; one held by a
 * live process or another host, or one that cannot be read (being written right now), is a
 * LockError whose message `busy(who)` names the owner.
 */
export async function acquireLockFile(path: string, purpose: string, busy: (who: string) => string): Promise<LockFile> {
  await mkdir(dirname(path), { recursive: true });
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
    if (owner === null || owner.host !== me.host || isAlive(owner.pid)) {
      throw new LockError(busy(owner === null ? `another process (remove ${path} if no such process runs)` : describeOwner(owner)));
    }
    await rm(path, { force: true });
  }
  throw new LockError(`could not take the lock ${path}`);
}

function describeOwner(o: LockOwner): string {
  const details = [o.purpose, o.since === undefined ? undefined : `since ${o.since}`].filter((d) => d !== undefined);
  return `pid ${o.pid} on ${o.host}${details.length === 0 ? '' : ` (${details.join(', ')})`}`;
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
    const owner = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}
