import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LockError } from '../errors.js';

export interface RunLock {
  release(): void;
}

/**
 * One run per output date at a time: an exclusive lock file beside the outputs. A lock left by a
 * process that no longer exists on this host is stale and taken over.
 */
export function acquireRunLock(outDir: string, date: string): RunLock {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `.${date}.lock`);
  const body = JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, body, { flag: 'wx' });
      return { release: () => rmSync(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(path);
      if (holder !== null && holder.host === hostname() && !alive(holder.pid)) {
        rmSync(path, { force: true });
        continue;
      }
      throw new LockError(
        holder === null
          ? `lock ${path} for ${date} is unreadable; remove it if no run for ${date} is active`
          : `another run for ${date} is in progress (lock ${path}, pid ${holder.pid} on ${holder.host} since ${holder.started})`,
      );
    }
  }
  throw new LockError(`could not take the lock ${path}`);
}

function readHolder(path: string): { pid: number; host: string; started: string } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { pid: number; host: string; started: string };
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
