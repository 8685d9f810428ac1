import { buildIdIndex, lookupId } from '../../kernels/id-index.js';
import type { IdIndex } from '../../kernels/id-index.js';
import { groupOffsets } from '../../kernels/group-offsets.js';
import { readTable } from '../../io/input/read-table.js';
import { InputError } from '../errors.js';
import { INELIGIBLE_REASONS } from '../model/campaign-model.js';
import type { CampaignModel } from '../model/campaign-model.js';
import { sharedFloat64, sharedInt32, sharedUint8, toShared } from '../model/shared-arrays.js';
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
  accountCrmIds: (string | null)[];
  profileIndex: IdIndex;
  profileIds: Float64Array;
  regionNames: string[];
  /** Every profile id removed by a tombstone (its own, or its account's). */
  removedProfileIds: Set<number>;
}

/** SPEC §4.2–4.4: accounts, profiles, region mapping, deletions and eligibility. */
export async function loadPeople(ctx: LoadContext, tombstones: Tombstones): Promise<LoadedPeople> {
  const regionOf = await loadRegions(ctx);

  const acc = table(ctx, 'accounts');
  const accounts = await readTable(ctx.session, acc.source, acc.columns, '', 'ORDER BY account_id');
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
  const accountCrmIds = new Array<string | null>(keptAccounts);
  const accountAvodPlan = sharedUint8(keptAccounts);
  const accountOptIn = new Uint8Array(keptAccounts);
  const accountCountry = new Array<string>(keptAccounts);
  {
    const crm = accounts.columns[1]!.values as (string | null)[];
    const plan = accounts.columns[2]!.values as (string | null)[];
    const country = accounts.columns[3]!.values as (string | null)[];
    const optIn = accounts.columns[4]!.values as Uint8Array;
    for (let i = 0, a = 0; i < accounts.rows; i++) {
      if (keepAccount[i] === 0) continue;
      accountIds[a] = rawAccountIds[i]!;
      const c = crm[i]!;
      accountCrmIds[a] = c === null || c === '' ? null : c;
      accountAvodPlan[a] = plan[i] === 'avod' ? 1 : 0;
      accountOptIn[a] = optIn[i]!;
      accountCountry[a] = country[i]!;
      a++;
    }
  }
  const { index: accountIndex } = buildIdIndex(accountIds, true);

  const prof = table(ctx, 'profiles');
  const profiles = await readTable(ctx.session, prof.source, prof.columns, '', 'ORDER BY profile_id');
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

  const isKids = profiles.columns[2]!.values as Uint8Array;
  const status = profiles.columns[3]!.values as (string | null)[];
  const cluster = profiles.columns[4]! as { values: Float64Array; valid: Uint8Array };
  const country = profiles.columns[5]!.values as (string | null)[];

  const profileIds = sharedFloat64(keptProfiles);
  const profileAccount = sharedInt32(keptProfiles);
  const rawCluster = new Float64Array(keptProfiles);
  const regionName = new Array<string>(keptProfiles);
  for (let i = 0, p = 0; i < profiles.rows; i++) {
    if (keepProfile[i] === 0) continue;
    profileIds[p] = rawProfileIds[i]!;
    const a = lookupId(accountIndex, rawAccountOf[i]!);
    profileAccount[p] = a;
    rawCluster[p] = cluster.valid[i] === 1 ? cluster.values[i]! : Number.NaN;
    const c = country[i] ?? (a >= 0 ? accountCountry[a]! : null);
    regionName[p] = (c === null ? undefined : regionOf.get(c)) ?? ctx.config.default_region;
    p++;
  }
  const { index: profileIndex } = buildIdIndex(profileIds, true);

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
    const reason = ineligibility(status[i] === 'active', isKids[i] === 1, a >= 0, a >= 0 && accountCrmIds[a] !== null, a >= 0 && accountOptIn[a] !== 0);
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
