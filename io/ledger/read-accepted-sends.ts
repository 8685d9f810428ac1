import { formatDay, tryParseDay } from '../../kernels/day-number.js';
import { compactedSnapshot, DateLedger, ledgerDates } from './date-ledger.js';
import { scanAcceptedRows } from './ledger-snapshot.js';
import type { AcceptedSend } from './ledger-types.js';

const RACE_RETRIES = 5;

/**
 * Runs `read` again when a file vanished under it: a delivery compacting at that moment may
 * delete a journal between our directory listing and our read. Reading takes no lock.
 */
async function retryingRace<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= RACE_RETRIES) throw err;
    }
  }
}

/** Opens a date's ledger for reading, without the lock. */
export function openForReading(stateDir: string, date: string): Promise<DateLedger> {
  return retryingRace(() => DateLedger.open(stateDir, date, 'read'));
}

/** Which dates to read, inclusive; either end may be left open. */
export interface DateRange {
  from?: string;
  to?: string;
}

/** The dedup history as columns: row i is one accepted send. */
export interface AcceptedSendColumns {
  count: number;
  /** Days since 1970-01-01 of send_date. */
  sendDay: Int32Array;
  accountId: Float64Array;
  profileId: Float64Array;
  showId: Float64Array;
  scenario: string[];
}

/**
 * The engine's own dedup history (SPEC §5 "recently sent") as columns: every record CleverTap
 * accepted, over the dates of `range` in the state directory, sorted by send date then
 * account_id. Attempted, dead-lettered and held records are not sends. An absent state directory
 * has no history. Compacted dates (the norm: every delivery ends by compacting) are scanned
 * without decoding anything but the accepted rows' columns.
 */
export async function readAcceptedSendColumns(stateDir: string, range: DateRange = {}): Promise<AcceptedSendColumns> {
  const days: number[] = [];
  const accounts: number[] = [];
  const profiles: number[] = [];
  const shows: number[] = [];
  const scenarios: string[] = [];
  const dates = (await ledgerDates(stateDir)).filter((d) => (range.from === undefined || d >= range.from) && (range.to === undefined || d <= range.to));
  for (const date of dates) {
    const day = tryParseDay(date)!;
    const before = accounts.length;
    const collect = (account: number, profile: number, show: number, scenario: string): void => {
      days.push(day);
      accounts.push(account);
      profiles.push(profile);
      shows.push(show);
      scenarios.push(scenario);
    };
    await retryingRace(async () => {
      // A retry starts the date over.
      for (const list of [days, accounts, profiles, shows, scenarios]) list.length = before;
      const snapshot = await compactedSnapshot(stateDir, date);
      if (snapshot !== null) {
        await scanAcceptedRows(snapshot, collect);
        return;
      }
      const { table } = await DateLedger.open(stateDir, date, 'read');
      for (const r of table.sortedRows()) if (table.status(r) === 'accepted') collect(table.accountIds[r]!, table.profileIds[r]!, table.showIds[r]!, table.scenarios[r]!);
    });
  }
  return {
    count: accounts.length,
    sendDay: Int32Array.from(days),
    accountId: Float64Array.from(accounts),
    profileId: Float64Array.from(profiles),
    showId: Float64Array.from(shows),
    scenario: scenarios,
  };
}

/** readAcceptedSendColumns as one object per send. */
export async function readAcceptedSends(stateDir: string, range: DateRange = {}): Promise<AcceptedSend[]> {
  const c = await readAcceptedSendColumns(stateDir, range);
  const out: AcceptedSend[] = new Array<AcceptedSend>(c.count);
  let lastDay = NaN;
  let lastDate = '';
  for (let i = 0; i < c.count; i++) {
    if (c.sendDay[i] !== lastDay) {
      lastDay = c.sendDay[i]!;
      lastDate = formatDay(lastDay);
    }
    out[i] = { send_date: lastDate, account_id: c.accountId[i]!, profile_id: c.profileId[i]!, show_id: c.showId[i]!, scenario: c.scenario[i]! };
  }
  return out;
}
