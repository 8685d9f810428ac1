import { openForReading } from './read-accepted-sends.js';
import type { DatedLedgerRecord, LedgerStatus } from './ledger-types.js';

/** The ledger rows of one date whose status is in `statuses`, sorted by account_id. */
export async function listLedgerRecords(stateDir: string, date: string, statuses: readonly LedgerStatus[]): Promise<DatedLedgerRecord[]> {
  const { table } = await openForReading(stateDir, date);
  return table.select(statuses).map((r) => ({ campaign_date: date, ...r }));
}
