import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tryParseDay } from '../../kernels/day-number.js';
import { compactedSnapshot, ledgerDates } from './date-ledger.js';
import { acceptedDigest, historyRoot } from './history-file.js';
import { readSnapshotHeader } from './ledger-snapshot.js';
import { readAcceptedSendColumns } from './read-accepted-sends.js';
import type { AcceptedSendColumns, DateRange } from './read-accepted-sends.js';

/** One ledger date as the engine's history reader sees it. */
export interface LedgerHistoryDate {
  date: string;
  /** Days since 1970-01-01. */
  day: number;
  /** SHA-256 of the date's accepted sends (history-file.ts acceptedDigest); null for a date outside `rows` without a columnar copy. */
  digest: string | null;
  /** Accepted sends of the date (0 when digest is null: not read). */
  accepted: number;
  /** Absolute path of the columnar copy (history-file.ts), or null when the date has none. */
  file: string | null;
  /** The distinct scenario names of the accepted sends in `file`, when its header records them (see HistoryFileRef). */
  scenarios: string[] | null;
  /**
   * The accepted sends read from the snapshot and journals, only when `file` is null: a date not
   * compacted since its last delivery (one running now, or one that crashed), or a ledger written
   * before columnar copies existed.
   */
  columns: AcceptedSendColumns | null;
}

export interface LedgerHistory {
  dates: LedgerHistoryDate[];
  /** Accepted sends over all dates. */
  accepted: number;
}

/**
 * Where the accepted history of every ledger date lives, without reading any row of a compacted
 * date: its snapshot header names its columnar copy and carries its digest. Dates of `rows` that
 * have no columnar copy are read here, from the snapshot and journals; others are only listed.
 */
export async function ledgerHistory(stateDir: string, rows: DateRange = {}): Promise<LedgerHistory> {
  const inRows = (d: string): boolean => (rows.from === undefined || d >= rows.from) && (rows.to === undefined || d <= rows.to);
  const out: LedgerHistoryDate[] = [];
  let accepted = 0;
  for (const date of await ledgerDates(stateDir)) {
    const entry = (await columnarEntry(stateDir, date)) ?? (inRows(date) ? await rowEntry(stateDir, date) : { date, day: tryParseDay(date)!, digest: null, accepted: 0, file: null, scenarios: null, columns: null });
    accepted += entry.accepted;
    out.push(entry);
  }
  return { dates: out, accepted };
}

async function columnarEntry(stateDir: string, date: string): Promise<LedgerHistoryDate | null> {
  let snapshot: string | null;
  try {
    snapshot = await compactedSnapshot(stateDir, date);
    if (snapshot === null) return null;
    const { history } = await readSnapshotHeader(snapshot);
    if (history === undefined) return null;
    const file = join(historyRoot(stateDir), history.file);
    if (!existsSync(file)) return null;
    return { date, day: tryParseDay(date)!, digest: history.digest, accepted: history.accepted, file, scenarios: history.scenarios ?? null, columns: null };
  } catch (err) {
    // A delivery compacting right now may replace the snapshot under us: read the rows instead.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function rowEntry(stateDir: string, date: string): Promise<LedgerHistoryDate> {
  const columns = await readAcceptedSendColumns(stateDir, { from: date, to: date });
  const digest = acceptedDigest(columns.accountId, columns.profileId, columns.showId, columns.scenario);
  return { date, day: tryParseDay(date)!, digest, accepted: columns.count, file: null, scenarios: null, columns };
}

/** One digest for the run id over `dates`: changes whenever any of their accepted sends does. */
export function historyDigest(dates: readonly LedgerHistoryDate[]): string {
  return createHash('sha256')
    .update(JSON.stringify(dates.map((d) => [d.date, d.digest])))
    .digest('hex');
}
