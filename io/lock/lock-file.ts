import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, rm, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LockError } from '../errors.js';
import { fsyncDir } from '../ledger/durable-files.js';
import { currentProcess, provablyGone, sameProcessSpace } from './process-identity.js';
import type { ProcessIdentity } from './process-identity.js';

/** What a lock file holds: its owner, what for, since when, and the lease it keeps. */
export interface LockOwner extends ProcessIdentity {
  purpose: string;
  since: string;
  /** Names this holding of the lock: release and takeover act on it, never on a later holder's. */
  nonce?: string;
  /**
   * The holder refreshes the file's modification time at least this often (ms) while it runs…
   * (absent in files of versions before leases, which are never taken from another host)
   */
  refresh_ms?: number;
  /** …and a lock not refreshed for this long (ms) is stale, wherever its holder runs. */
  lease_ms?: number;
}

type MyHolding = LockOwner & { nonce: string; lease_ms: number; refresh_ms: number };

export interface LockFile {
  /** Fires if the lock was taken from this holder (its lease lapsed and another process took it over). */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/** A lock file as found: who holds it (null when unreadable), which holding it is, and how fresh. */
export interface LockHolding {
  path: string;
  owner: LockOwner | null;
  identity: string;
  /** The file's modification time: the holder's last refresh. */
  refreshed: Date;
  /** Whether the holder may still run: `alive` (same machine, the process runs), `fresh` (another machine, lease not lapsed), else stale. */
  state: 'alive' | 'fresh' | 'unverifiable' | 'stale';
}

export interface LeaseOptions {
  /** A lock not refreshed for this long is stale (default 2 minutes). */
  leaseMs?: number;
  /** How often the holder refreshes (default 10 s, at most a third of the lease). */
  refreshMs?: number;
}

export const DEFAULT_LEASE_MS = 120_000;
export const DEFAULT_REFRESH_MS = 10_000;

// A takeover in progress elsewhere takes a few fsyncs: wait for it this often, this many times.
const TAKEOVER_WAIT_MS = 5;
const MAX_ATTEMPTS = 400;
/** A temp file no record can be read from is a leftover once this old (one being written is milliseconds old). */
const UNREADABLE_LEFTOVER_MS = 10_000;

/**
 * Takes an exclusive lock file. The owner record is written and fsynced to a temp file first and
 * then hard-linked into place (link(2) fails when the name exists), so a lock file is never seen
 * empty or half-written. While held, the holder touches the file every `refreshMs` (its mtime is
 * the lease), so a lock whose holder cannot be checked — another host, another container's PID
 * namespace — is known stale once not refreshed for `leaseMs`. On this machine the PID checks
 * decide (process-identity: dead PID, PID reused, machine rebooted). A stale or unreadable lock is
 * taken over; one whose holder may be running is a LockError whose message `busy(who)` names the
 * owner and when it last refreshed.
 *
 * Takeover is atomic: every taker of one stale holding must first take the lock
 * `<path>.takeover-<holding>` (the same protocol, recursively), and only its holder removes the
 * stale file, after checking it is still that holding; everyone then races link(2) again, which
 * exactly one wins. Release removes the file only while it is still this holding. Taking the lock
 * also removes temp and takeover files that processes killed mid-protocol left beside it.
 */
export async function acquireLockFile(path: string, purpose: string, busy: (who: string) => string, lease: LeaseOptions = {}): Promise<LockFile> {
  await mkdir(dirname(path), { recursive: true });
  const leaseMs = lease.leaseMs ?? DEFAULT_LEASE_MS;
  const refreshMs = Math.max(1, Math.min(lease.refreshMs ?? DEFAULT_REFRESH_MS, Math.floor(leaseMs / 3)));
  const me: MyHolding = { ...currentProcess(), purpose, since: new Date().toISOString(), nonce: randomBytes(8).toString('hex'), refresh_ms: refreshMs, lease_ms: leaseMs };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const handle = await createExclusive(path, me);
    if (handle !== null) {
      await removeLeftovers(path, me.nonce);
      return holding(path, me, handle);
    }
    const seen = await inspectLock(path);
    if (seen === null) continue;
    if (seen.state !== 'stale') throw new LockError(busy(describeHolding(seen)));
    if (!(await removeStale(path, seen.identity))) await delay(TAKEOVER_WAIT_MS);
  }
  throw new LockError(`could not take the lock ${path}: it kept changing hands`);
}

/** The held lock: refreshed on a timer through the file handle kept open (never a later holder's file). */
function holding(path: string, me: MyHolding, handle: FileHandle): LockFile {
  const lost = new AbortController();
  let refreshing: Promise<void> = Promise.resolve();
  const refresh = async (): Promise<void> => {
    const now = new Date();
    await handle.utimes(now, now).catch(() => undefined);
    // Still ours? A holder whose lease lapsed (a stopped process, a frozen VM) may have been taken over.
    const seen = await inspectLock(path).catch(() => null);
    if (seen?.owner?.nonce !== me.nonce && !lost.signal.aborted) lost.abort(new LockError(`the lock ${path} was taken over by ${seen?.owner === null || seen === null ? 'another process' : describeOwner(seen.owner)} after this process did not refresh it for ${me.lease_ms / 1000} s`));
  };
  const timer = setInterval(() => {
    refreshing = refreshing.then(refresh);
  }, me.refresh_ms);
  timer.unref();
  return {
    lost: lost.signal,
    async release() {
      clearInterval(timer);
      await refreshing;
      await handle.close().catch(() => undefined);
      await releaseHolding(path, me.nonce);
    },
  };
}

/** Links a new lock file into place; its open handle when this process now holds it, null when the name exists. */
async function createExclusive(path: string, me: MyHolding): Promise<FileHandle | null> {
  const temp = tempName(path, me.nonce);
  const handle = await open(temp, 'wx');
  let linked = false;
  try {
    await handle.writeFile(`${JSON.stringify(me)}\n`);
    await handle.sync();
    await link(temp, path);
    linked = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new LockError(`cannot create the lock ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    if (!linked) await handle.close();
    await rm(temp, { force: true });
  }
  if (!linked) return null;
  await fsyncDir(dirname(path));
  return handle;
}

function tempName(path: string, nonce: string): string {
  return `${path}.${nonce}.tmp`;
}

/**
 * Removes what processes killed inside this protocol left beside the lock `path`: temp files
 * (`<lock>.<nonce>.tmp`, a SIGKILL between link(2) and rm) and takeover files of holdings that no
 * longer exist, each only once its writer is gone by the rule that makes a lock stale.
 */
async function removeLeftovers(path: string, myNonce: string): Promise<void> {
  const dir = dirname(path);
  const name = basename(path);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  const ours = basename(tempName(path, myNonce));
  for (const entry of entries) {
    if (entry === ours || !entry.startsWith(`${name}.`)) continue;
    const rest = entry.slice(name.length + 1);
    const temp = /^[0-9a-f]{16}\.tmp$/.test(rest);
    // A takeover file's own temp files end in .tmp too; a takeover file of a live holding is never removed.
    const takeover = /^takeover-[^/]+$/.test(rest) && !rest.endsWith('.tmp');
    const takeoverTemp = /^takeover-[^/]+\.[0-9a-f]{16}\.tmp$/.test(rest);
    if (!temp && !takeover && !takeoverTemp) continue;
    const file = join(dir, entry);
    const seen = await inspectLock(file).catch(() => null);
    if (seen === null) continue;
    const gone = seen.owner === null ? Date.now() - seen.refreshed.getTime() > UNREADABLE_LEFTOVER_MS : seen.state === 'stale';
    if (gone && (await inspectLock(file).catch(() => null))?.identity === seen.identity) await unlink(file).catch(ignoreMissing);
  }
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
    if ((await inspectLock(path))?.identity === identity) await unlink(path).catch(ignoreMissing);
  } finally {
    await token.release();
  }
  return true;
}

/**
 * Removes the lock `path` while it is still the holding `identity` (one `inspectLock` returned),
 * through the takeover protocol, whatever its holder's state: `campaign unlock`. False when the
 * lock changed hands (or went) in between.
 */
export async function removeLockHolding(path: string, identity: string): Promise<boolean> {
  if ((await inspectLock(path))?.identity !== identity) return false;
  const removed = await removeStale(path, identity);
  return removed && (await inspectLock(path))?.identity !== identity;
}

async function releaseHolding(path: string, nonce: string): Promise<void> {
  if ((await inspectLock(path))?.owner?.nonce === nonce) await unlink(path).catch(ignoreMissing);
}

/** The lock file's owner, holding identity, last refresh and state; null when there is no lock file. */
export async function inspectLock(path: string, now = Date.now()): Promise<LockHolding | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const st = await handle.stat({ bigint: true });
    const owner = parseOwner(await handle.readFile('utf8'));
    // A record this version wrote names its holding; an older or damaged file is named by its inode.
    const nonce = owner?.nonce;
    const identity = nonce !== undefined && /^[0-9a-f]{16}$/.test(nonce) ? nonce : `i${st.ino}-${st.ctimeNs}`;
    const refreshed = new Date(Number(st.mtimeNs / 1_000_000n));
    return { path, owner, identity, refreshed, state: ownerState(owner, refreshed.getTime(), now) };
  } finally {
    await handle.close();
  }
}

/**
 * On this machine (same host and PID namespace) the process decides: `alive` unless provably gone.
 * Elsewhere the lease does: `fresh` while the file was touched within the holder's lease, stale
 * after; a holder that promised no lease (an older version) is `unverifiable` and never taken over.
 */
function ownerState(owner: LockOwner | null, refreshedMs: number, now: number): LockHolding['state'] {
  if (owner === null) return 'stale';
  if (sameProcessSpace(owner)) return provablyGone(owner) ? 'stale' : 'alive';
  if (typeof owner.lease_ms !== 'number') return 'unverifiable';
  return now - refreshedMs > owner.lease_ms ? 'stale' : 'fresh';
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

export function describeOwner(o: LockOwner): string {
  const details = [o.purpose, o.since === undefined ? undefined : `since ${o.since}`].filter((d) => d !== undefined);
  return `pid ${o.pid} on ${o.host}${details.length === 0 ? '' : ` (${details.join(', ')})`}`;
}

/** The holder, when it last refreshed, and why it counts as running: the heart of every "busy" message. */
export function describeHolding(h: LockHolding, now = Date.now()): string {
  if (h.owner === null) return `an unreadable lock file`;
  const ago = Math.max(0, Math.round((now - h.refreshed.getTime()) / 1000));
  const refreshed = `last refreshed ${h.refreshed.toISOString()}, ${ago} s ago`;
  switch (h.state) {
    case 'alive':
      return `${describeOwner(h.owner)}, running on this machine; ${refreshed}`;
    case 'fresh':
      return `${describeOwner(h.owner)}; ${refreshed}; another host or container, so it counts as running until its lease of ${h.owner.lease_ms! / 1000} s lapses`;
    case 'unverifiable':
      return `${describeOwner(h.owner)}; ${refreshed}; another host or container, and a version without leases: it cannot be checked from here`;
    case 'stale':
      return `${describeOwner(h.owner)}; ${refreshed}; stale`;
  }
}
