import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LockError } from '../errors.js';
import { compactedSnapshot, DateLedger, ledgerDates } from './date-ledger.js';
import { historyRoot } from './history-file.js';
import { readSnapshotHeader } from './ledger-snapshot.js';
import type { DateRange } from './read-accepted-sends.js';
import { acquireStateLock } from './state-lock.js';

/**
 * The compacted dates of `range` whose snapshot names no columnar copy (`<state>/history/`),
 * or names one that is not there: ledgers written before the copies existed. Every run reads
 * such a date row by row from its snapshot, at several times the cost of its copy.
 */
export async function oldLayoutDates(stateDir: string, range: DateRange = {}): Promise<string[]> {
  const dates = (await ledgerDates(stateDir)).filter((d) => (range.from === undefined || d >= range.from) && (range.to === undefined || d <= range.to));
  const old: string[] = [];
  for (const date of dates) {
    const snapshot = await compactedSnapshot(stateDir, date);
    // A date with journals is being delivered, or a delivery of it died: its delivery compacts it.
    if (snapshot === null) continue;
    const { history } = await readSnapshotHeader(snapshot);
    if (history === undefined || !existsSync(join(historyRoot(stateDir), history.file))) old.push(date);
  }
  return old;
}

export interface UpgradeOptions {
  /** Runs in each compaction once the columnar copy is durable, before the snapshot naming it (a crash test's pause). */
  afterHistoryFile?: () => Promise<void>;
}

/**
 * Upgrades the old-layout dates of `range` (oldLayoutDates) once: each is compacted under the
 * state directory's lock — the code path of every delivery's compaction: the columnar copy
 * written (temp file, fsync, rename), then the snapshot naming it (the same) — so a crash at any
 * point leaves the old snapshot, read as before and upgraded next time, or the new one. The rows
 * do not change, so neither does any run id. While another process holds the lock (a delivery),
 * nothing is upgraded: the dates are read as before, and a later run upgrades them. Returns the
 * dates upgraded.
 */
export async function upgradeOldLayout(stateDir: string, range: DateRange, options: UpgradeOptions = {}): Promise<string[]> {
  if ((await oldLayoutDates(stateDir, range)).length === 0) return [];
  let lock;
  try {
    lock = await acquireStateLock(stateDir, 'upgrade the ledger layout');
  } catch (err) {
    if (err instanceof LockError) return [];
    throw err;
  }
  try {
    // Listed again under the lock: a delivery may have compacted some meanwhile.
    const dates = await oldLayoutDates(stateDir, range);
    for (const date of dates) {
      const ledger = await DateLedger.open(stateDir, date, 'write');
      try {
        await ledger.compact(undefined, options.afterHistoryFile);
      } finally {
        await ledger.close();
      }
    }
    return dates;
  } finally {
    await lock.release();
  }
}
