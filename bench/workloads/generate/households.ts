import { COUNTRIES, COUNTRY_REGION, COUNTRY_WEIGHTS } from './geography.js';
import type { IdSpace } from './ids.js';
import { Rng, cumulative } from './prng.js';
import { STREAM } from './streams.js';

const HOUSEHOLD_SIZE_WEIGHTS = cumulative([28, 27, 20, 15, 10]);
const COUNTRY_CUMULATIVE = cumulative(COUNTRY_WEIGHTS);
export const STATUSES = ['active', 'locked', 'paused'] as const;
const STATUS_WEIGHTS = cumulative([96.5, 2.5, 1]);

/**
 * Accounts and their 1–5 profiles. Household h is account index h; accounts past the households
 * have no profiles. A few households are "ghosts": their account row is not written, so their
 * profiles are orphans (SPEC §4.4). Kids profiles are never a household's first profile.
 */
export interface Households {
  householdCount: number;
  householdStart: Uint32Array;
  ghost: Uint8Array;
  accountCount: number;
  accountAvod: Uint8Array;
  accountCountry: Uint8Array;
  accountCrmId: (string | null)[];
  accountOptIn: Uint8Array;
  profileCount: number;
  profileHousehold: Uint32Array;
  profileKids: Uint8Array;
  profileStatus: Uint8Array;
  /** Cluster index, -1 when null. */
  profileCluster: Int32Array;
  /** Country index when the profile overrides its account's country, else -1. */
  profileCountry: Int16Array;
  /** Region index the profile's taste follows (REGIONS.length = unmapped). */
  profileRegion: Uint8Array;
}

export function generateHouseholds(seed: number, profileCount: number, clusters: number): Households {
  const sizes: number[] = [];
  const layout = new Rng(seed, STREAM.households);
  for (let placed = 0; placed < profileCount; ) {
    const size = Math.min(layout.pick(HOUSEHOLD_SIZE_WEIGHTS) + 1, profileCount - placed);
    sizes.push(size);
    placed += size;
  }
  const householdCount = sizes.length;
  const householdStart = new Uint32Array(householdCount + 1);
  const ghost = new Uint8Array(householdCount);
  const profileHousehold = new Uint32Array(profileCount);
  for (let h = 0, p = 0; h < householdCount; h++) {
    householdStart[h] = p;
    for (let k = 0; k < sizes[h]!; k++) profileHousehold[p++] = h;
  }
  householdStart[householdCount] = profileCount;
  // ~0.2% ghosts, but at least one whenever another household remains, so small datasets have orphans too.
  const ghosts = householdCount < 2 ? 0 : Math.max(1, Math.round(householdCount * 0.002));
  for (let placed = 0; placed < ghosts; ) {
    const h = layout.int(householdCount);
    if (ghost[h] === 0) {
      ghost[h] = 1;
      placed++;
    }
  }

  const accountCount = householdCount + Math.max(1, Math.round(householdCount * 0.005));
  const accountAvod = new Uint8Array(accountCount);
  const accountCountry = new Uint8Array(accountCount);
  const accountCrmId: (string | null)[] = new Array<string | null>(accountCount);
  const accountOptIn = new Uint8Array(accountCount);
  for (let a = 0; a < accountCount; a++) {
    const rng = new Rng(seed, STREAM.accounts, a);
    accountAvod[a] = rng.chance(0.3) ? 1 : 0;
    accountCountry[a] = rng.pick(COUNTRY_CUMULATIVE);
    const crm = rng.float();
    accountCrmId[a] = crm < 0.02 ? null : crm < 0.03 ? '' : `crm-${hex8(rng.nextU32())}${hex8(rng.nextU32())}`;
    accountOptIn[a] = rng.chance(0.85) ? 1 : 0;
  }

  // Cluster sizes are uneven (a mild Zipf over a shuffled cluster order).
  const clusterRng = new Rng(seed, STREAM.clusters);
  const clusterOrder = Uint32Array.from({ length: clusters }, (_, i) => i);
  clusterRng.shuffle(clusterOrder);
  const clusterWeights = cumulative(Array.from({ length: clusters }, (_, k) => 1 / Math.pow(k + 1, 0.6)));

  const profileKids = new Uint8Array(profileCount);
  const profileStatus = new Uint8Array(profileCount);
  const profileCluster = new Int32Array(profileCount);
  const profileCountry = new Int16Array(profileCount);
  const profileRegion = new Uint8Array(profileCount);
  for (let p = 0; p < profileCount; p++) {
    const rng = new Rng(seed, STREAM.profiles, p);
    const h = profileHousehold[p]!;
    profileKids[p] = p > householdStart[h]! && rng.chance(0.3) ? 1 : 0;
    profileStatus[p] = rng.pick(STATUS_WEIGHTS);
    profileCluster[p] = rng.chance(0.015) ? -1 : clusterOrder[rng.pick(clusterWeights)]!;
    // Most profiles inherit the account's country; some travel or moved (sometimes to an unmapped country).
    const own = rng.chance(0.08) ? (rng.chance(0.6) ? accountCountry[h]! : rng.pick(COUNTRY_CUMULATIVE)) : -1;
    profileCountry[p] = own;
    profileRegion[p] = COUNTRY_REGION[own >= 0 ? own : accountCountry[h]!]!;
  }
  return {
    householdCount,
    householdStart,
    ghost,
    accountCount,
    accountAvod,
    accountCountry,
    accountCrmId,
    accountOptIn,
    profileCount,
    profileHousehold,
    profileKids,
    profileStatus,
    profileCluster,
    profileCountry,
    profileRegion,
  };
}

export interface AccountsTable {
  accountId: Float64Array;
  crmId: (string | null)[];
  plan: string[];
  country: string[];
  pushOptIn: Uint8Array;
}

/** Every non-ghost account, in account-index order (ids are scrambled, so not sorted). */
export function accountsTable(households: Households, ids: IdSpace): AccountsTable {
  const rows: number[] = [];
  for (let a = 0; a < households.accountCount; a++) if (a >= households.householdCount || households.ghost[a] === 0) rows.push(a);
  return {
    accountId: Float64Array.from(rows, (a) => ids.accountId(a)),
    crmId: rows.map((a) => households.accountCrmId[a]!),
    plan: rows.map((a) => (households.accountAvod[a] === 1 ? 'avod' : 'svod')),
    country: rows.map((a) => COUNTRIES[households.accountCountry[a]!]!.code),
    pushOptIn: Uint8Array.from(rows, (a) => households.accountOptIn[a]!),
  };
}

export interface ProfilesTable {
  profileId: Float64Array;
  accountId: Float64Array;
  isKids: Uint8Array;
  status: string[];
  clusterId: Float64Array;
  clusterValid: Uint8Array;
  country: (string | null)[];
}

/** Every profile, in a shuffled order so households are not contiguous in the file. */
export function profilesTable(seed: number, households: Households, ids: IdSpace): ProfilesTable {
  const order = Uint32Array.from({ length: households.profileCount }, (_, i) => i);
  new Rng(seed, STREAM.profileOrder).shuffle(order);
  const n = households.profileCount;
  const table: ProfilesTable = {
    profileId: new Float64Array(n),
    accountId: new Float64Array(n),
    isKids: new Uint8Array(n),
    status: new Array<string>(n),
    clusterId: new Float64Array(n),
    clusterValid: new Uint8Array(n),
    country: new Array<string | null>(n),
  };
  for (let row = 0; row < n; row++) {
    const p = order[row]!;
    const cluster = households.profileCluster[p]!;
    const country = households.profileCountry[p]!;
    table.profileId[row] = ids.profileId(p);
    table.accountId[row] = ids.accountId(households.profileHousehold[p]!);
    table.isKids[row] = households.profileKids[p]!;
    table.status[row] = STATUSES[households.profileStatus[p]!]!;
    table.clusterId[row] = cluster < 0 ? 0 : ids.clusterId(cluster);
    table.clusterValid[row] = cluster < 0 ? 0 : 1;
    table.country[row] = country < 0 ? null : COUNTRIES[country]!.code;
  }
  return table;
}

function hex8(x: number): string {
  return x.toString(16).padStart(8, '0');
}
