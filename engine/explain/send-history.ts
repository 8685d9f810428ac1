import { existsSync } from 'node:fs';
import { sqlString } from '../../io/input/duckdb-session.js';
import type { DuckDBSession } from '../../io/input/duckdb-session.js';
import { readAcceptedSendColumns } from '../../io/ledger/index.js';
import type { AcceptedSendColumns } from '../../io/ledger/index.js';
import { formatDay } from '../dates.js';
import type { SendSource } from './explanation.js';

export interface SentShow {
  /** The latest send_date (day number) of the show to the profile within the dedup window. */
  sendDay: number;
  source: SendSource;
}

export interface SendHistory {
  /** profile_id → show_id → latest send in the dedup window. */
  sent: Map<number, Map<number, SentShow>>;
  /** The account's distinct sends with send_date in [D − 7, D) (frequency cap). */
  accountSends7d: number;
}

export interface SendQuery {
  day: number;
  dedupWindowDays: number;
  accountId: number;
  profileIds: readonly number[];
}

const lookback = (day: number, dedupWindowDays: number): number => day - Math.max(dedupWindowDays, 7);

/**
 * The ledger's accepted sends the run for D read: dated [D − max(dedup window, 7), D − 1]; later
 * dates are deliveries made after the run. Null without a state directory.
 */
export async function readLedgerWindow(stateDir: string, day: number, dedupWindowDays: number): Promise<AcceptedSendColumns | null> {
  if (!existsSync(stateDir)) return null;
  return readAcceptedSendColumns(stateDir, { from: formatDay(lookback(day, dedupWindowDays)), to: formatDay(day - 1) });
}

/**
 * The dedup history and frequency-cap count of one account as the run for D saw them: the ledger
 * window plus the dataset's `sends` table, purged of deletions (SPEC §4.3).
 */
export async function readSendHistory(session: DuckDBSession, q: SendQuery, ledger: AcceptedSendColumns | null): Promise<SendHistory> {
  const { day, accountId } = q;
  const from = lookback(day, q.dedupWindowDays);
  const own = new Set(q.profileIds);
  await session.run('CREATE TEMP TABLE ledger_sends (send_date INTEGER, account_id DOUBLE, profile_id DOUBLE, show_id DOUBLE, scenario VARCHAR)');
  if (ledger !== null) {
    const values: string[] = [];
    for (let i = 0; i < ledger.count; i++) {
      if (ledger.accountId[i] !== accountId && !own.has(ledger.profileId[i]!)) continue;
      values.push(`(${ledger.sendDay[i]}, ${ledger.accountId[i]}, ${ledger.profileId[i]}, ${ledger.showId[i]}, ${sqlString(ledger.scenario[i]!)})`);
    }
    if (values.length > 0) await session.run(`INSERT INTO ledger_sends VALUES ${values.join(', ')}`);
  }
  const mine = own.size === 0 ? `account_id = ${accountId}` : `(account_id = ${accountId} OR profile_id IN (${[...own].join(', ')}))`;
  await session.run(`CREATE TEMP TABLE recent_sends AS
    SELECT * FROM (
      SELECT send_date, account_id, profile_id, show_id, scenario, 'sends_table' AS source FROM in_sends WHERE send_date >= ${from} AND send_date < ${day} AND ${mine}
      UNION ALL SELECT *, 'ledger' FROM ledger_sends)
    WHERE account_id NOT IN (SELECT account_id FROM tomb_accounts)
      AND profile_id NOT IN (SELECT profile_id FROM in_profiles
        WHERE profile_id IN (SELECT profile_id FROM tomb_profiles) OR account_id IN (SELECT account_id FROM tomb_accounts))`);

  // The same send recorded by both sources (or twice) is one send.
  const [[capped]] = (await session.rows(`SELECT CAST(count(*) AS INTEGER) FROM (
      SELECT DISTINCT send_date, account_id, profile_id, show_id, scenario FROM recent_sends WHERE account_id = ${accountId} AND send_date >= ${day - 7})`)) as [[number]];

  const sent = new Map<number, Map<number, SentShow>>();
  const rows = await session.rows(`SELECT profile_id, show_id, send_date, source FROM recent_sends WHERE send_date >= ${day - q.dedupWindowDays}`);
  for (const [profileId, showId, sendDay, source] of rows as [number, number, number, SendSource][]) {
    if (!own.has(profileId)) continue;
    let shows = sent.get(profileId);
    if (shows === undefined) sent.set(profileId, (shows = new Map()));
    const seen = shows.get(showId);
    if (seen === undefined || sendDay > seen.sendDay || (sendDay === seen.sendDay && source === 'ledger')) shows.set(showId, { sendDay, source });
  }
  return { sent, accountSends7d: capped };
}
