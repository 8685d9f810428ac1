import { sqlString } from '../../io/input/duckdb-session.js';
import type { DuckDBSession } from '../../io/input/duckdb-session.js';
import { CampaignError } from '../errors.js';
import { INELIGIBLE_REASONS } from '../model/campaign-model.js';
import type { IneligibleReason } from '../model/campaign-model.js';
import { ineligibility } from '../rules/decision-rules.js';
import type { AccountFacts, ProfileExplanation } from './explanation.js';

/** Who to explain: an account, a profile (which names its account), or an account by its CleverTap identity. */
export type ExplainTarget = { accountId: number } | { profileId: number } | { crmId: string };

/** A profile of the explained account after deletions, with SPEC §4.2 region and §4.4 eligibility. */
export type AccountProfile = Pick<ProfileExplanation, 'profileId' | 'isKids' | 'status' | 'clusterId' | 'country' | 'region' | 'ineligibleReason'>;

/**
 * Creates the view `kept_profiles`: every profile that survives deletions (SPEC §4.3), with its
 * country (own, else its account's), region (else `defaultRegion`) and whether its account is on
 * the AVOD plan (AVOD pool viewers).
 */
export async function createKeptProfiles(session: DuckDBSession, defaultRegion: string): Promise<void> {
  await session.run(`CREATE TEMP TABLE region_map AS SELECT DISTINCT country, region FROM in_regions`);
  // Profiles of a deleted account are deleted, so the account join only ever meets kept accounts.
  await session.run(`CREATE TEMP VIEW kept_profiles AS
    SELECT p.profile_id, p.account_id, p.is_kids, p.status, p.cluster_id, coalesce(p.country, a.country) AS country,
      coalesce(r.region, ${sqlString(defaultRegion)}) AS region, coalesce(a.plan = 'avod', false) AS avod_plan
    FROM in_profiles p
    ANTI JOIN tomb_profiles tp ON tp.profile_id = p.profile_id
    ANTI JOIN tomb_accounts ta ON ta.account_id = p.account_id
    LEFT JOIN in_accounts a ON a.account_id = p.account_id
    LEFT JOIN region_map r ON r.country = coalesce(p.country, a.country)`);
}

/** The account to explain; unknown, deleted and orphan ids are CampaignErrors naming the id. */
export async function resolveAccount(session: DuckDBSession, target: ExplainTarget, dataDir: string): Promise<Omit<AccountFacts, 'sends7d'>> {
  let accountId: number;
  if ('profileId' in target) {
    const id = target.profileId;
    const rows = await session.rows(`SELECT account_id, profile_id IN (SELECT profile_id FROM tomb_profiles) FROM in_profiles WHERE profile_id = ${id}`);
    if (rows.length === 0) throw new CampaignError('UNKNOWN_ID', `profile ${id} is not in the profiles of ${dataDir}`);
    if (rows[0]![1] === true) throw new CampaignError('DELETED', `profile ${id} was deleted by a tombstone: it is in no output of any run`);
    accountId = rows[0]![0] as number;
  } else if ('crmId' in target) {
    const rows = await session.rows(`SELECT account_id FROM in_accounts WHERE crm_id = ${sqlString(target.crmId)} ORDER BY account_id LIMIT 6`);
    if (rows.length === 0) throw new CampaignError('UNKNOWN_ID', `crm_id '${target.crmId}' is not in the accounts of ${dataDir}`);
    if (rows.length > 1) {
      const ids = rows.slice(0, 5).map((r) => String(r[0]));
      throw new CampaignError('AMBIGUOUS_ID', `crm_id '${target.crmId}' belongs to ${rows.length > 5 ? 'more than 5' : rows.length} accounts (${ids.join(', ')}${rows.length > 5 ? ', …' : ''}): explain one of them with its account id`);
    }
    accountId = rows[0]![0] as number;
  } else {
    accountId = target.accountId;
  }
  const deleted = await session.rows(`SELECT 1 FROM tomb_accounts WHERE account_id = ${accountId}`);
  const of = 'profileId' in target ? ` (of profile ${target.profileId})` : '';
  if (deleted.length > 0) throw new CampaignError('DELETED', `account ${accountId}${of} was deleted by a tombstone: it is in no output of any run`);
  const rows = await session.rows(`SELECT crm_id, plan, country, push_opt_in FROM in_accounts WHERE account_id = ${accountId}`);
  if (rows.length === 0) {
    if ('profileId' in target) {
      throw new CampaignError('UNKNOWN_ID', `profile ${target.profileId} belongs to account ${accountId}, which is not in accounts: an orphan profile is never eligible and only counts as a pool viewer`);
    }
    throw new CampaignError('UNKNOWN_ID', `account ${accountId} is not in the accounts of ${dataDir}`);
  }
  const [crmId, plan, country, pushOptIn] = rows[0]! as [string | null, string, string, boolean];
  return { accountId, crmId: crmId === '' ? null : crmId, plan, country, pushOptIn };
}

/** The account's remaining profiles by profile_id, each with its first failing eligibility reason (SPEC §4.4 order). */
export async function readAccountProfiles(session: DuckDBSession, account: Omit<AccountFacts, 'sends7d'>): Promise<AccountProfile[]> {
  const rows = await session.rows(`SELECT profile_id, is_kids, status, cluster_id, country, region FROM kept_profiles WHERE account_id = ${account.accountId} ORDER BY profile_id`);
  return rows.map((row) => {
    const [profileId, isKids, status, clusterId, country, region] = row as [number, boolean, string, number | null, string, string];
    // The account exists (resolveAccount checked), so a profile here is never an orphan.
    const reason = ineligibility(status === 'active', isKids, true, account.crmId !== null, account.pushOptIn);
    const ineligibleReason: IneligibleReason | null = reason === 0 ? null : INELIGIBLE_REASONS[reason - 1]!;
    return { profileId, isKids, status, clusterId, country, region, ineligibleReason };
  });
}
