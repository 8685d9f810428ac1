import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tryParseDay } from '../../engine/dates.js';
import { listLedgerRecords } from '../../io/ledger/list-ledger.js';
import type { DatedLedgerRecord } from '../../io/ledger/ledger-types.js';
import type { Command } from '../command.js';
import { optionError } from '../options.js';

const usage = `usage: campaign dead-letters --out DIR --date YYYY-MM-DD [--state DIR] [--json]

Lists the date's dead-lettered records (CleverTap refused them, or their retries ran out) and held
records (in_flight_policy: hold kept them because whether CleverTap has them is unknown: a timeout,
a dropped connection, an interrupted delivery), with code and reason.
'campaign deliver --retry-dead-letters' re-attempts them (held ones may then arrive twice).`;

/** Held records journalled before reasons were: they were in flight when a delivery died. */
const HELD_WITHOUT_REASON = 'in flight when a delivery died';

function formatRecords(date: string, records: readonly DatedLedgerRecord[]): string {
  if (records.length === 0) return `no dead letters or held records for ${date}`;
  const rows = records.map((r) => [String(r.account_id), r.status, r.code === null ? '' : String(r.code), String(r.attempts), String(r.profile_id), String(r.show_id), r.reason ?? (r.status === 'held' ? HELD_WITHOUT_REASON : '')]);
  const header = ['account_id', 'status', 'code', 'attempts', 'profile_id', 'show_id', 'reason'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const byReason = new Map<string, number>();
  for (const r of records) {
    const key = r.status === 'held' ? `held: ${r.reason ?? HELD_WITHOUT_REASON}` : `${r.code ?? ''} ${r.reason ?? ''}`.trim();
    byReason.set(key, (byReason.get(key) ?? 0) + 1);
  }
  return [
    line(header),
    ...rows.map(line),
    '',
    `${records.length} record${records.length === 1 ? '' : 's'} for ${date}:`,
    ...[...byReason].sort((a, b) => b[1] - a[1]).map(([reason, count]) => `  ${count} × ${reason}`),
  ].join('\n');
}

export const deadLettersCommand: Command = {
  name: 'dead-letters',
  usage,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, date: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    if (values.out === undefined && values.state === undefined) return optionError('--out (or --state) is required', usage);
    if (values.date === undefined) return optionError('--date is required', usage);
    if (tryParseDay(values.date) === null) return optionError(`--date must be a calendar date YYYY-MM-DD, got '${values.date}'`, usage);
    const stateDir = values.state ?? join(values.out!, 'state');
    const records = await listLedgerRecords(stateDir, values.date, ['dead_letter', 'held']);
    console.log(values.json ? JSON.stringify(records, null, 2) : formatRecords(values.date, records));
    return 0;
  },
};
