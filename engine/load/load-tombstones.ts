import { readTable } from '../../io/input/read-table.js';
import { count } from './load-context.js';
import type { LoadContext } from './load-context.js';

export interface Tombstones {
  accountIds: Set<number>;
  profileIds: Set<number>;
}

/** SPEC §4.3: the ids removed at load as if they never existed. */
export async function loadTombstones(ctx: LoadContext): Promise<Tombstones> {
  const t = ctx.tables.tombstones;
  const accountIds = new Set<number>();
  const profileIds = new Set<number>();
  if (t === undefined) return { accountIds, profileIds };
  const { rows, columns } = await readTable(ctx.session, t.source, t.columns);
  const [accounts, profiles] = columns as unknown as [{ values: Float64Array; valid: Uint8Array }, { values: Float64Array; valid: Uint8Array }];
  for (let i = 0; i < rows; i++) {
    if (accounts.valid[i] === 1) accountIds.add(accounts.values[i]!);
    if (profiles.valid[i] === 1) profileIds.add(profiles.values[i]!);
  }
  count(ctx, 'tombstones', 'rows', rows);
  return { accountIds, profileIds };
}
