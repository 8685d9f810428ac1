import { DateLedger, ledgerDates } from './date-ledger.js';
import { acquireStateLock } from './state-lock.js';

export interface LedgerTombstones {
  accountIds: ReadonlySet<number>;
  profileIds: ReadonlySet<number>;
}

export interface PurgeOptions {
  /**
   * Only these dates can hold a tombstoned row (the engine finds them by scanning the columnar
   * history with the tombstones): the others are not opened. Default: every date.
   */
  dates?: readonly string[];
}

/**
 * Data-subject deletion (SPEC §4.3): removes every ledger row of a tombstoned account or profile,
 * on every date, and returns how many. Each touched date is compacted, so the rows leave the
 * journals too, not just the current state; a date with no such row is not rewritten. Takes the
 * state-dir lock: fails (LockError) while a delivery is running on the same state directory.
 */
export async function purgeLedger(stateDir: string, tombstones: LedgerTombstones, options: PurgeOptions = {}): Promise<number> {
  if (tombstones.accountIds.size === 0 && tombstones.profileIds.size === 0) return 0;
  const only = options.dates === undefined ? null : new Set(options.dates);
  const dates = (await ledgerDates(stateDir)).filter((d) => only === null || only.has(d));
  if (dates.length === 0) return 0;
  const lock = await acquireStateLock(stateDir, 'purge');
  try {
    let removed = 0;
    for (const date of dates) {
      const ledger = await DateLedger.open(stateDir, date, 'write');
      const { table } = ledger;
      const doomed = (row: number): boolean => tombstones.accountIds.has(table.accountIds[row]!) || tombstones.profileIds.has(table.profileIds[row]!);
      let hits = 0;
      for (let row = 0; row < table.size; row++) if (doomed(row)) hits++;
      if (hits > 0) removed += await ledger.compact(doomed);
      await ledger.close();
    }
    return removed;
  } finally {
    await lock.release();
  }
}
