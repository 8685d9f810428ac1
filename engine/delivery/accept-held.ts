import { parseDay } from '../dates.js';
import { DateLedger } from '../../io/ledger/date-ledger.js';
import { acquireStateLock } from '../../io/ledger/state-lock.js';

/**
 * Resolves the held records of `date` as delivered, sending nothing: for when someone checked
 * CleverTap (its event export for the date's event name and run_id) and found them there. They
 * become `accepted` and so enter the dedup history. Returns how many were held.
 *
 * The other resolution, for held records CleverTap does not have, is `deliver --retry-dead-letters`.
 */
export async function acceptHeldRecords(stateDir: string, date: string): Promise<number> {
  parseDay(date, 'campaign date');
  const lock = await acquireStateLock(stateDir, `accept held records of ${date}`);
  try {
    const ledger = await DateLedger.open(stateDir, date, 'write');
    try {
      const held: number[] = [];
      for (let row = 0; row < ledger.table.size; row++) if (ledger.table.status(row) === 'held') held.push(ledger.table.accountIds[row]!);
      if (held.length > 0) {
        await ledger.write([{ op: 'accept', ids: held }]);
        await ledger.compact();
      }
      return held.length;
    } finally {
      await ledger.close();
    }
  } finally {
    await lock.release();
  }
}
