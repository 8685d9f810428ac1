import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rm, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LockError } from '../errors.js';
import { fsyncDir } from '../ledger/durable-files.js';
import { currentProcess, mayBeRunning } from './process-identity.js';
import type { ProcessIdentity } from './process-identity.js';

interface LockOwner extends ProcessIdentity {
  purpose: string;
  since: string;
  /** Names this holding of the lock: release and takeover act on it, never on a later holder's. */
  nonce?: string;
}

type MyHolding = LockOwner & { nonce: string };

export interface LockFile {
  release(): Promise<void>;
}

/** A lock file as found: who holds it (null when unreadable) and which holding it is. */
interface Seen {
  owner: LockOwner | null;
  identity: string;
}

// A takeover in progress elsewhere takes a few fsyncs: wait for it this often, this many times.
const TAKEOVER_WAIT_MS = 5;
const MAX_ATTEMPTS = 400;

/**
 * Takes an exclusive lock file. The owner record is written and fsynced to a temp file first and
 * then hard-linked into place (link(2) fails when the name exists), so a lock file is never seen
 * empty or half-written. A lock whose holder is provably gone (process-identity: dead PID, PID
 * reused, machine rebooted) or whose file cannot be read is stale and taken over; one held by a
 * process that may be running, here or on another host, is a LockError whose message `busy(who)`
 * names the owner.
 *
 * Takeover is atomic: every taker of one stale holding must first take the lock
 * `<path>.takeover-<holding>` (the same protocol, recursively), and only its holder removes the
 * stale file, after checking it is still that holding; everyone then races link(2) again, which
 * exactly one wins. Release removes the file only while it is still this holding.
 */
export async function acquireLockFile(path: string, purpose: string, busy: (who: string) => string): Promise<LockFile> {
  await mkdir(dirname(path), { recursive: true });
  const me: MyHolding = { ...currentProcess(), purpose, since: new Date().toISOString(), nonce: randomBytes(8).toString('hex') };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await createExclusive(path, me)) return { release: () => releaseHolding(path, me.nonce) };
    const seen = await inspect(path);
    if (seen === null) continue;
    if (seen.owner !== null && mayBeRunning(seen.owner)) throw new LockError(busy(describeOwner(seen.owner)));
    if (!(await removeStale(path, seen.identity))) await delay(TAKEOVER_WAIT_MS);
  }
  throw new LockError(`could not take the lock ${path}: it kept changing hands`);
}

async function createExclusive(path: string, me: MyHolding): Promise<boolean> {
  const temp = `${path}.${me.nonce}.tmp`;
  const handle = await open(temp, 'wx');
  try {
    try {
      await handle.writeFile(`${JSON.stringify(me)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LockError(`cannot create the lock ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    await rm(temp, { force: true });
  }
  await fsyncDir(dirname(path));
  return true;
}

/** Removes the stale holding `identity` of `path` if this process wins its takeover lock; false when another taker has it. */
async function removeStale(path: string, identity: string): Promise<boolean> {
  let token: LockFile;
  try {
    token = await acquireLockFile(`${path}.takeover-${identity}`, `takeover of ${basename(path)}`, (who) => who);
  } catch (err) {
    if (err instanceof LockError) return false;
    throw err;
  }
  try {
    // Only a token holder removes this holding, and we hold the token: if it is still there, it is stale.
    if ((await inspect(path))?.identity === identity) await unlink(path).catch(ignoreMissing);
  } finally {
    await token.release();
  }
  return true;
}

async function releaseHolding(path: string, nonce: string): Promise<void> {
  if ((await inspect(path))?.owner?.nonce === nonce) await unlink(path).catch(ignoreMissing);
}

/** The lock file's owner and holding identity; null when there is no lock file. */
async function inspect(path: string): Promise<Seen | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const stat = await handle.stat({ bigint: true });
    const owner = parseOwner(await handle.readFile('utf8'));
    // A record this version wrote names its holding; an older or damaged file is named by its inode.
    const nonce = owner?.nonce;
    return { owner, identity: nonce !== undefined && /^[0-9a-f]{16}$/.test(nonce) ? nonce : `i${stat.ino}-${stat.ctimeNs}` };
  } finally {
    await handle.close();
  }
}

function parseOwner(text: string): LockOwner | null {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}

function describeOwner(o: LockOwner): string {
  const details = [o.purpose, o.since === undefined ? undefined : `since ${o.since}`].filter((d) => d !== undefined);
  return `pid ${o.pid} on ${o.host}${details.length === 0 ? '' : ` (${details.join(', ')})`}`;
}
