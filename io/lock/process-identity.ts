import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Enough about a process to tell later, from another process, whether it still runs. A PID alone
 * is not: after a reboot or a wrap-around the same number names another process, and a lock it
 * left would block every run until removed by hand.
 */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** Linux boot id: another one means the machine restarted since, so the process is gone. */
  boot?: string;
  /** Linux PID namespace (`/proc/self/ns/pid`): a PID is only meaningful inside its own. */
  pidns?: string;
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22): a reused PID has another. */
  start?: number;
}

const bootId = readTrimmed('/proc/sys/kernel/random/boot_id');
const pidNamespace = readLink('/proc/self/ns/pid');
const procfs = existsSync('/proc/self/stat');

export function currentProcess(): ProcessIdentity {
  const start = procStat(process.pid)?.start;
  return {
    pid: process.pid,
    host: hostname(),
    ...(bootId === undefined ? {} : { boot: bootId }),
    ...(pidNamespace === undefined ? {} : { pidns: pidNamespace }),
    ...(start === undefined ? {} : { start }),
  };
}

/**
 * Whether `owner`'s PID can be checked from here: same host name and (where both recorded one)
 * the same PID namespace. In Kubernetes every pod has its own of both.
 */
export function sameProcessSpace(owner: ProcessIdentity): boolean {
  if (owner.host !== hostname()) return false;
  return owner.pidns === undefined || pidNamespace === undefined || owner.pidns === pidNamespace;
}

/**
 * For a process of this machine (sameProcessSpace): true when it is provably gone — the machine
 * was rebooted since, or no such PID runs, or the PID now belongs to a process started at another
 * time (or to a zombie).
 */
export function provablyGone(owner: ProcessIdentity): boolean {
  if (owner.boot !== undefined && bootId !== undefined && owner.boot !== bootId) return true;
  const stat = procStat(owner.pid);
  if (stat === undefined) return !signalable(owner.pid);
  if (stat === null || stat.state === 'Z') return true;
  return owner.start !== undefined && owner.start !== stat.start;
}

/** `/proc/<pid>/stat`'s state and start time; null when no such process, undefined without procfs. */
function procStat(pid: number): { state: string; start: number } | null | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && procfs) return null;
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const start = Number(fields[19]);
  return Number.isSafeInteger(start) ? { state: fields[0]!, start } : undefined;
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
