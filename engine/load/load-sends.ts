import { lookupId } from '../../kernels/id-index.js';
import { groupOffsets } from '../../kernels/group-offsets.js';
import { readTable } from '../../io/input/read-table.js';
import { parseDay } from '../dates.js';
import { sharedInt32, toShared } from '../model/shared-arrays.js';
import { count } from './load-context.js';
import type { LoadContext } from './load-context.js';
import type { LoadedCatalog } from './load-catalog.js';
import type { LoadedPeople } from './load-people.js';
import type { Tombstones } from './load-tombstones.js';

/** A send made before today: a row of the dataset's `sends` table or an accepted ledger record. */
export interface SendRecord {
  send_date: string;
  account_id: number;
  profile_id: number;
  show_id: number;
  scenario: string;
}

export interface LoadedSends {
  sentOffsets: Int32Array;
  sentShows: Int32Array;
  accountSends7d: Int32Array;
}

/**
 * SPEC §5 "recently sent" (per profile, any scenario, send_date in [D − dedup_window_days, D))
 * and §7 frequency cap (per account, send_date in [D − 7, D)), over the dataset's sends plus
 * the delivery ledger, after tombstone purge.
 */
export async function loadSends(ctx: LoadContext, people: LoadedPeople, catalog: LoadedCatalog, tombstones: Tombstones, ledger: readonly SendRecord[]): Promise<LoadedSends> {
  const dates: number[] = [];
  const accounts: number[] = [];
  const profiles: number[] = [];
  const shows: number[] = [];
  const scenarios: string[] = [];
  const t = ctx.tables.sends;
  if (t !== undefined) {
    const { rows, columns } = await readTable(ctx.session, t.source, t.columns);
    const [d, a, p, s] = [columns[0]!.values as Int32Array, columns[1]!.values as Float64Array, columns[2]!.values as Float64Array, columns[3]!.values as Float64Array];
    const scenario = columns[4]!.values as string[];
    for (let i = 0; i < rows; i++) {
      dates.push(d[i]!);
      accounts.push(a[i]!);
      profiles.push(p[i]!);
      shows.push(s[i]!);
      scenarios.push(scenario[i]!);
    }
    count(ctx, 'sends', 'table_rows', rows);
  }
  for (const r of ledger) {
    dates.push(parseDay(r.send_date, 'ledger send_date'));
    accounts.push(r.account_id);
    profiles.push(r.profile_id);
    shows.push(r.show_id);
    scenarios.push(r.scenario);
  }
  count(ctx, 'sends', 'ledger_rows', ledger.length);

  const D = ctx.day;
  const dedupFrom = D - ctx.config.dedup_window_days;
  const profileOf = new Int32Array(dates.length);
  const showOf = new Int32Array(dates.length);
  const accountSends7d = sharedInt32(people.accountIds.length);
  // A send recorded twice (in the sends table and in the ledger) is still one send.
  const capped = new Set<string>();
  let inWindow = 0;
  let purged = 0;
  for (let i = 0; i < dates.length; i++) {
    profileOf[i] = -1;
    if (tombstones.accountIds.has(accounts[i]!) || people.removedProfileIds.has(profiles[i]!)) {
      purged++;
      continue;
    }
    const day = dates[i]!;
    if (day >= D) continue;
    if (day >= D - 7) {
      const a = lookupId(people.accountIndex, accounts[i]!);
      const key = `${day}|${accounts[i]}|${profiles[i]}|${shows[i]}|${scenarios[i]}`;
      if (a >= 0 && !capped.has(key)) {
        capped.add(key);
        accountSends7d[a]!++;
      }
    }
    if (day < dedupFrom) continue;
    const p = lookupId(people.profileIndex, profiles[i]!);
    const s = lookupId(catalog.showIndex, shows[i]!);
    if (p < 0 || s < 0) continue;
    profileOf[inWindow] = p;
    showOf[inWindow] = s;
    inWindow++;
  }
  count(ctx, 'sends', 'tombstoned', purged);
  count(ctx, 'sends', 'in_dedup_window', inWindow);
  const profileCount = people.profileIds.length;
  const { offsets, order } = groupOffsets(profileOf, profileCount, inWindow);
  const sentShows = sharedInt32(inWindow);
  for (let i = 0; i < inWindow; i++) sentShows[i] = showOf[order[i]!]!;
  return { sentOffsets: toShared(offsets), sentShows, accountSends7d };
}
