import { buildIdIndex, lookupId } from '../../kernels/id-index.js';
import type { IdIndex } from '../../kernels/id-index.js';
import { groupOffsets } from '../../kernels/group-offsets.js';
import { readTable } from '../../io/input/read-table.js';
import type { BoundColumn } from '../../io/input/read-table.js';
import type { BoundTable } from '../../io/input/bind-tables.js';
import { sqlString } from '../../io/input/duckdb-session.js';
import type { ColumnKind } from '../../io/input/duckdb-session.js';
import { sourceSql } from '../../io/input/table-files.js';
import { InputError } from '../errors.js';
import { INELIGIBLE_REASONS } from '../model/campaign-model.js';
import type { CampaignModel } from '../model/campaign-model.js';
import { sharedFloat64, sharedInt32, sharedUint8, toShared } from '../model/shared-arrays.js';
import { utf8Present } from '../model/utf8-column.js';
import type { Utf8Column } from '../model/utf8-column.js';
import { ineligibility } from '../rules/decision-rules.js';
import { count, sortedCodes, table } from './load-context.js';
import type { LoadContext } from './load-context.js';
import type { Tombstones } from './load-tombstones.js';

/** The people columns of the model, plus what only the loader and the outputs need. */
export interface LoadedPeople
  extends Pick<
    CampaignModel,
    | 'accountAvodPlan'
    | 'profileAccount'
    | 'profileCluster'
    | 'profileRegion'
    | 'profileIneligible'
    | 'profileAvodPlan'
    | 'accountProfileOffsets'
    | 'accountProfiles'
    | 'orphanProfiles'
    | 'clusterCount'
  > {
  accountIndex: IdIndex;
  accountIds: Float64Array;
  accountCrmIds: Utf8Column;
  profileIndex: IdIndex;
  profileIds: Float64Array;
  regionNames: string[];
  /** Every profile id removed by a tombstone (its own, or its account's). */
  removedProfileIds: Set<number>;
}

/** The profile keys the plays need: available before the accounts are read. */
export type ProfileKeys = Pick<LoadedPeople, 'profileIndex' | 'profileIds' | 'removedProfileIds'>;

/**
 * SPEC §4.2–4.4: accounts, profiles, region mapping, deletions and eligibility. The profiles are
 * read first: `onProfileKeys` gets their dense index as soon as it exists (the plays start
 * decoding on the workers then), while this thread goes on with the accounts.
 */
export async function loadPeople(ctx: LoadContext, tombstones: Tombstones, onProfileKeys: (keys: ProfileKeys) => Promise<void> = async () => undefined): Promise<LoadedPeople> {
  const regionOf = await loadRegions(ctx);

  const acc = table(ctx, 'accounts');
  const prof = table(ctx, 'profiles');
  // Only crm_id lands as strings: plan and status are compared in SQL, countries become codes.
  const countries = await dictionary(ctx, [acc, prof], 'country');
  const profileColumns = prof.columns.map((b) =>
    b.column.name === 'status' ? coded(b, 'bool', `(${b.sql} = 'active')`) : b.column.name === 'country' ? coded(b, 'i32', countries.code(b.sql)) : b,
  );
  const profiles = await readTable(ctx.session, prof.source, profileColumns, '', 'ORDER BY profile_id');
  const rawProfileIds = profiles.columns[0]!.values as Float64Array;
  const rawAccountOf = profiles.columns[1]!.values as Float64Array;
  const removedProfileIds = new Set<number>();
  const keepProfile = new Uint8Array(profiles.rows);
  let keptProfiles = 0;
  for (let i = 0; i < profiles.rows; i++) {
    if (i > 0 && rawProfileIds[i] === rawProfileIds[i - 1]) throw new InputError(prof.source.label, `profile_id ${rawProfileIds[i]} appears more than once`);
    if (tombstones.profileIds.has(rawProfileIds[i]!) || tombstones.accountIds.has(rawAccountOf[i]!)) removedProfileIds.add(rawProfileIds[i]!);
    else {
      keepProfile[i] = 1;
      keptProfiles++;
    }
  }
  count(ctx, 'profiles', 'rows', profiles.rows);
  count(ctx, 'profiles', 'tombstoned', profiles.rows - keptProfiles);
  const profileIds = sharedFloat64(keptProfiles);
  for (let i = 0, p = 0; i < profiles.rows; i++) if (keepProfile[i] === 1) profileIds[p++] = rawProfileIds[i]!;
  const { index: profileIndex } = buildIdIndex(profileIds, true);
  await onProfileKeys({ profileIndex, profileIds, removedProfileIds });

  // crm_id lands as its byte length per row and all the bytes in one string, in the same order:
  // no JS string per account (they are decoded on the workers, for the outputs only).
  const accountColumns = acc.columns.map((b) =>
    b.column.name === 'plan'
      ? coded(b, 'bool', `(${b.sql} = 'avod')`)
      : b.column.name === 'country'
        ? coded(b, 'i32', countries.code(b.sql))
        : b.column.name === 'crm_id'
          ? coded(b, 'i32', `CAST(strlen(${b.sql}) AS INTEGER)`)
          : b,
  );
  const accounts = await readTable(ctx.session, acc.source, accountColumns, '', 'ORDER BY account_id');
  const crmBytes = await concatenated(ctx, acc, 'crm_id', 'account_id');
  const rawAccountIds = accounts.columns[0]!.values as Float64Array;
  const keepAccount = new Uint8Array(accounts.rows);
  let keptAccounts = 0;
  for (let i = 0; i < accounts.rows; i++) {
    if (i > 0 && rawAccountIds[i] === rawAccountIds[i - 1]) throw new InputError(acc.source.label, `account_id ${rawAccountIds[i]} appears more than once`);
    if (!tombstones.accountIds.has(rawAccountIds[i]!)) keepAccount[i] = 1;
    keptAccounts += keepAccount[i]!;
  }
  count(ctx, 'accounts', 'rows', accounts.rows);
  count(ctx, 'accounts', 'tombstoned', accounts.rows - keptAccounts);

  const accountIds = sharedFloat64(keptAccounts);
  const crmLength = accounts.columns[1]! as { values: Int32Array; valid: Uint8Array };
  let keptCrmBytes = 0;
  for (let i = 0; i < accounts.rows; i++) if (keepAccount[i] === 1 && crmLength.valid[i] === 1) keptCrmBytes += crmLength.values[i]!;
  const accountCrmIds: Utf8Column = { bytes: sharedUint8(keptCrmBytes), offsets: sharedInt32(keptAccounts + 1) };
  const accountAvodPlan = sharedUint8(keptAccounts);
  const accountOptIn = new Uint8Array(keptAccounts);
  const accountCountry = new Int32Array(keptAccounts);
  {
    const plan = accounts.columns[2]!.values as Uint8Array;
    const country = accounts.columns[3]!.values as Int32Array;
    const optIn = accounts.columns[4]!.values as Uint8Array;
    let from = 0;
    let to = 0;
    for (let i = 0, a = 0; i < accounts.rows; i++) {
      const length = crmLength.valid[i] === 1 ? crmLength.values[i]! : 0;
      if (keepAccount[i] === 0) {
        from += length;
        continue;
      }
      accountIds[a] = rawAccountIds[i]!;
      accountCrmIds.bytes.set(crmBytes.subarray(from, from + length), to);
      from += length;
      to += length;
      accountCrmIds.offsets[a + 1] = to;
      accountAvodPlan[a] = plan[i]!;
      accountOptIn[a] = optIn[i]!;
      accountCountry[a] = country[i]!;
      a++;
    }
  }
  const { index: accountIndex } = buildIdIndex(accountIds, true);

  const isKids = profiles.columns[2]!.values as Uint8Array;
  const active = profiles.columns[3]!.values as Uint8Array;
  const cluster = profiles.columns[4]! as { values: Float64Array; valid: Uint8Array };
  const country = profiles.columns[5]! as { values: Int32Array; valid: Uint8Array };
  // Region of each country code (SPEC §4.2), the default for unmapped countries.
  const codeRegion = countries.names.map((c) => regionOf.get(c) ?? ctx.config.default_region);

  const profileAccount = sharedInt32(keptProfiles);
  const rawCluster = new Float64Array(keptProfiles);
  const regionName = new Array<string>(keptProfiles);
  for (let i = 0, p = 0; i < profiles.rows; i++) {
    if (keepProfile[i] === 0) continue;
    const a = lookupId(accountIndex, rawAccountOf[i]!);
    profileAccount[p] = a;
    rawCluster[p] = cluster.valid[i] === 1 ? cluster.values[i]! : Number.NaN;
    const c = country.valid[i] === 1 ? country.values[i]! : a >= 0 ? accountCountry[a]! : -1;
    regionName[p] = c >= 0 ? codeRegion[c]! : ctx.config.default_region;
    p++;
  }

  const clusterIds = [...new Set(rawCluster)].filter((c) => !Number.isNaN(c)).sort((x, y) => x - y);
  const clusterCode = new Map(clusterIds.map((c, i) => [c, i]));
  const regionCode = sortedCodes(regionName);
  const profileCluster = sharedInt32(keptProfiles);
  const profileRegion = sharedInt32(keptProfiles);
  const profileIneligible = sharedUint8(keptProfiles);
  const profileAvodPlan = sharedUint8(keptProfiles);
  const reasons = [0, 0, 0, 0, 0, 0];
  for (let i = 0, p = 0; i < profiles.rows; i++) {
    if (keepProfile[i] === 0) continue;
    const a = profileAccount[p]!;
    profileCluster[p] = Number.isNaN(rawCluster[p]!) ? -1 : clusterCode.get(rawCluster[p]!)!;
    profileRegion[p] = regionCode.get(regionName[p]!)!;
    profileAvodPlan[p] = a >= 0 ? accountAvodPlan[a]! : 0;
    // SPEC §4.4: the first failing reason in this order.
    const reason = ineligibility(active[i] === 1, isKids[i] === 1, a >= 0, a >= 0 && utf8Present(accountCrmIds, a), a >= 0 && accountOptIn[a] !== 0);
    profileIneligible[p] = reason;
    reasons[reason]!++;
    p++;
  }
  count(ctx, 'profiles', 'eligible', reasons[0]!);
  INELIGIBLE_REASONS.forEach((r, k) => count(ctx, 'ineligible', r, reasons[k + 1]!));

  // Group profiles by account; orphans (no such account) go to their own list.
  const keys = new Int32Array(keptProfiles);
  for (let p = 0; p < keptProfiles; p++) keys[p] = profileAccount[p]! < 0 ? keptAccounts : profileAccount[p]!;
  const { offsets, order } = groupOffsets(keys, keptAccounts + 1);
  const orphanProfiles = toShared(order.subarray(offsets[keptAccounts]!));

  return {
    accountIndex,
    accountIds,
    accountCrmIds,
    accountAvodPlan,
    profileIndex,
    profileIds,
    profileAccount,
    profileCluster,
    profileRegion,
    profileIneligible,
    profileAvodPlan,
    accountProfileOffsets: toShared(offsets.subarray(0, keptAccounts + 1)),
    accountProfiles: toShared(order.subarray(0, offsets[keptAccounts]!)),
    orphanProfiles,
    clusterCount: clusterIds.length,
    regionNames: [...regionCode.keys()],
    removedProfileIds,
  };
}

/**
 * Every value of a string column concatenated as UTF-8, rows in `orderBy` order (nulls add
 * nothing): one string crosses from DuckDB instead of one per row.
 */
async function concatenated(ctx: LoadContext, t: BoundTable, column: string, orderBy: string): Promise<Uint8Array> {
  const [[all]] = (await ctx.session.rows(`SELECT coalesce(string_agg(${boundSql(t, column)}, '' ORDER BY "${orderBy}"), '') FROM ${sourceSql(t.source)}`)) as [[string]];
  return Buffer.from(all, 'utf8');
}

function boundSql(t: BoundTable, column: string): string {
  return t.columns.find((b) => b.column.name === column)!.sql;
}

function coded(b: BoundColumn, kind: ColumnKind, sql: string): BoundColumn {
  return { ...b, kind, sql };
}

/**
 * Dense codes for the distinct values of a string column over several tables, in sorted order:
 * the rows land as integers and only the few distinct values become JS strings.
 */
async function dictionary(ctx: LoadContext, tables: readonly BoundTable[], column: string): Promise<{ names: string[]; code: (sql: string) => string }> {
  const union = tables.map((t) => `SELECT DISTINCT "${column}" AS v FROM ${sourceSql(t.source)}`).join(' UNION ');
  const names = (await ctx.session.rows(`SELECT v FROM (${union}) WHERE v IS NOT NULL ORDER BY v`)).map(([v]) => String(v));
  const list = `[${names.map(sqlString).join(', ')}]`;
  return { names, code: (sql) => `CAST(list_position(${list}, ${sql}) - 1 AS INTEGER)` };
}

async function loadRegions(ctx: LoadContext): Promise<Map<string, string>> {
  const { source, columns: bound } = table(ctx, 'regions');
  const { rows, columns } = await readTable(ctx.session, source, bound);
  const country = columns[0]!.values as string[];
  const region = columns[1]!.values as string[];
  const map = new Map<string, string>();
  for (let i = 0; i < rows; i++) {
    const previous = map.get(country[i]!);
    if (previous !== undefined && previous !== region[i]) {
      throw new InputError(source.label, `country '${country[i]}' is mapped to two regions ('${previous}' and '${region[i]}')`);
    }
    map.set(country[i]!, region[i]!);
  }
  count(ctx, 'regions', 'rows', rows);
  return map;
}
