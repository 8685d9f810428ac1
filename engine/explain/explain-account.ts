import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { SCENARIOS } from '../config/config-types.js';
import type { ScenarioName } from '../config/config-types.js';
import { formatDay, parseDay } from '../dates.js';
import { CampaignError } from '../errors.js';
import { phaseParams } from '../phases/phase-params.js';
import { activityOf, explainRfm, rollUp, selectScenario } from './account-decision.js';
import { createKeptProfiles, readAccountProfiles, resolveAccount } from './account-people.js';
import type { AccountProfile, ExplainTarget } from './account-people.js';
import type { Explanation, PoolFacts, ProfileExplanation, ScenarioExplanation } from './explanation.js';
import { createLastSeen, groupPools } from './group-pools.js';
import type { GroupPool, PooledScenario } from './group-pools.js';
import { openInputViews } from './input-views.js';
import { openDataset } from '../../io/input/open-dataset.js';
import { isStorageUrl } from '../../io/storage/storage-url.js';
import { resolveStorage } from '../config/storage-config.js';
import { scanPlays } from './play-facts.js';
import type { PlayedShow } from './play-facts.js';
import { readRecordedRun } from './recorded-run.js';
import { compareWithRun } from './run-comparison.js';
import { changedInputs, readExplainedRun } from './explained-run.js';
import { poolMisses, walkPool, walkReEngagement } from './scenario-walk.js';
import type { WalkResult } from './scenario-walk.js';
import { readLedgerWindow, readSendHistory } from './send-history.js';
import type { SentShow } from './send-history.js';
import { createShowTables, readShows } from './show-facts.js';

export interface ExplainOptions {
  /** Output root of the runs; the run explained is `<outDir>/<date>/`. */
  outDir: string;
  /** Campaign date D, YYYY-MM-DD. */
  date: string;
  /** Exactly one of accountId, profileId and crmId; a profile is explained through its account, as the focus. */
  accountId?: number;
  profileId?: number;
  /** The account's CleverTap identity (`accounts.crm_id`, the `identity` of its payload). */
  crmId?: string;
  /** Dataset (a directory or a URL); default the one the run's manifest names. */
  dataDir?: string;
  /** Object storage options over the run's config's `storage:` section and the environment. */
  storage?: Readonly<Record<string, string>>;
  /** Delivery state (ledger); default `<outDir>/state`. */
  stateDir?: string;
  /** As runCampaign's: directories a Delta log may name by absolute path, besides the dataset. */
  allowExternalPaths?: readonly string[];
}

/** Pool misses listed per pool and reason, and re-engagement exclusions per profile. */
const MISS_LIMIT = 3;
const EXCLUDED_LIMIT = 10;

/**
 * Explains one account of a published run (SPEC §3–§7): eligibility of each profile, RFM and
 * segment, every eligible profile's four scenarios with what each passed over and why, the rollup
 * and the selection. Uses the run's effective config; recomputes from the inputs (reading only the
 * account's profiles and the pool groups they belong to) and lists any disagreement with the run's files.
 */
export async function explainAccount(options: ExplainOptions): Promise<Explanation> {
  const target = explainTarget(options);
  const day = parseDay(options.date, 'campaign date');
  const manifest = readExplainedRun(options.outDir, options.date);
  const config = manifest.config;
  const params = phaseParams(config);
  const sc = config.scenarios;
  const stateDir = resolve(options.stateDir ?? join(options.outDir, 'state'));
  const location = options.dataDir ?? manifest.dataset;
  const dataset = await openDataset(isStorageUrl(location) ? location : resolve(location), { storage: resolveStorage(config, options.storage), defaultCacheDir: join(stateDir, 'cache'), allowExternalPaths: options.allowExternalPaths ?? [] });
  const dataDir = dataset.location;
  const views = await openInputViews(dataset, availableParallelism(), manifest.deltaVersions);
  const { session, tables, files } = views;
  try {
    await createKeptProfiles(session, config.default_region);
    const accountRow = await resolveAccount(session, target, dataDir);
    const people = await readAccountProfiles(session, accountRow);
    const eligible = people.filter((p) => p.ineligibleReason === null);
    const clusters = sc.cluster_discovery.enabled ? unique(eligible.flatMap((p) => (p.clusterId === null ? [] : [p.clusterId]))) : [];
    const regions = sc.trending.enabled || sc.avod.enabled ? unique(eligible.map((p) => p.region)) : [];
    const poolWindows = (['cluster_discovery', 'trending', 'avod'] as const).filter((s) => sc[s].enabled).map((s) => sc[s].window_days);

    await createShowTables(session, day, config);
    const plays = await scanPlays(session, tables.plays!, {
      day,
      historyDays: config.history_days,
      minPlaySeconds: config.min_play_seconds,
      accountId: accountRow.accountId,
      groups: { clusters, regions },
      poolWindowDays: Math.max(0, ...poolWindows),
    });
    const rfm = explainRfm(params, accountRow.plan, people.map((p) => activityOf(plays.profiles, p.profileId)), plays.accountActiveDays30, day);
    await createLastSeen(session);
    const pools: Record<PooledScenario, Map<number | string, GroupPool>> = {
      cluster_discovery: await groupPools(session, 'cluster_discovery', sc.cluster_discovery, day, clusters, MISS_LIMIT),
      trending: await groupPools(session, 'trending', sc.trending, day, sc.trending.enabled ? regions : [], MISS_LIMIT),
      avod: await groupPools(session, 'avod', sc.avod, day, sc.avod.enabled && rfm.treatment === 'avod' ? regions : [], MISS_LIMIT),
    };
    const ledger = await readLedgerWindow(stateDir, day, config.dedup_window_days);
    const history = await readSendHistory(session, { day, dedupWindowDays: config.dedup_window_days, accountId: accountRow.accountId, profileIds: people.map((p) => p.profileId) }, ledger);
    const recorded = await readRecordedRun(session, manifest.runDir, accountRow.accountId, people.map((p) => p.profileId));
    const showIds: number[] = [];
    for (const byGroup of Object.values(pools)) for (const pool of byGroup.values()) showIds.push(...pool.entries.map((e) => e.showId), ...pool.misses.map((m) => m.showId));
    for (const shows of plays.played.values()) showIds.push(...shows.keys());
    const shows = await readShows(session, showIds);

    const noPlays = new Map<number, PlayedShow>();
    const noSends = new Map<number, SentShow>();
    const explainScenario = (p: AccountProfile, name: ScenarioName): ScenarioExplanation => {
      const played = plays.played.get(p.profileId) ?? noPlays;
      const sent = history.sent.get(p.profileId) ?? noSends;
      const result = (walk: WalkResult, pool: PoolFacts | null, pooled?: GroupPool): ScenarioExplanation => ({
        scenario: name,
        notApplied: null,
        pool,
        ...walk,
        notInPool: pooled === undefined ? [] : poolMisses(pooled, sc[name as PooledScenario].min_viewers, shows),
        notInPoolCounts: pooled?.missCounts ?? {},
      });
      const skipped = (notApplied: ScenarioExplanation['notApplied']): ScenarioExplanation => ({ scenario: name, notApplied, pool: null, top: [], excluded: [], moreExcluded: 0, notInPool: [], notInPoolCounts: {} });
      if (!sc[name].enabled) return skipped('disabled');
      if (name === 're_engagement') return result(walkReEngagement(played, sent, shows, EXCLUDED_LIMIT), null);
      if (name === 'cluster_discovery' && p.clusterId === null) return skipped('no_cluster');
      if (name === 'avod' && rfm.treatment !== 'avod') return skipped('svod_treatment');
      const group = name === 'cluster_discovery' ? p.clusterId! : p.region;
      const pool = pools[name].get(group)!;
      const cfg = sc[name];
      const facts: PoolFacts = { group, groupKind: name === 'cluster_discovery' ? 'cluster' : 'region', windowDays: cfg.window_days, minViewers: cfg.min_viewers, poolSize: cfg.pool_size, shows: pool.entries.length };
      return result(walkPool(pool, played, sent, shows), facts, pool);
    };

    const profiles: ProfileExplanation[] = people.map((p) => {
      const a = activityOf(plays.profiles, p.profileId);
      return {
        profileId: p.profileId,
        isKids: p.isKids,
        status: p.status,
        clusterId: p.clusterId,
        country: p.country,
        region: p.region,
        eligible: p.ineligibleReason === null,
        ineligibleReason: p.ineligibleReason,
        watchSecondsTotal: a.watchSeconds,
        lastPlayDate: a.lastDay === null ? null : formatDay(a.lastDay),
        daysSinceLastPlay: a.lastDay === null ? null : day - a.lastDay,
        activeDays28: a.activeDays28,
        scenarios: p.ineligibleReason === null ? SCENARIOS.map((name) => explainScenario(p, name)) : [],
      };
    });
    const topOf = (profileId: number) => (name: ScenarioName) => profiles.find((p) => p.profileId === profileId)!.scenarios.find((s) => s.scenario === name)!.top;
    const rollup = rollUp(
      config,
      params,
      day,
      profiles.filter((p) => p.eligible).map((p) => ({ profileId: p.profileId, activity: activityOf(plays.profiles, p.profileId), hasRecommendations: p.scenarios.some((s) => s.top.length > 0) })),
    );
    const chosen = rollup.chosenProfileId;
    const selection =
      chosen === null
        ? null
        : selectScenario(params, config, day, { accountId: accountRow.accountId, profileId: chosen, activity: activityOf(plays.profiles, chosen), treatment: rfm.treatment, sends7d: history.accountSends7d, top: topOf(chosen) });
    const account = { ...accountRow, sends7d: history.accountSends7d };
    const explanation: Explanation = {
      date: options.date,
      runId: manifest.runId,
      runDir: manifest.runDir,
      dataDir,
      stateDir,
      activeOverrides: manifest.activeOverrides,
      account,
      focusProfileId: 'profileId' in target ? target.profileId : null,
      profiles,
      rfm,
      rollup,
      selection,
      recorded,
      discrepancies: [],
      warnings: changedInputs(manifest, dataset.dir, files).map((c) => `input changed since the run: ${c}`),
    };
    explanation.discrepancies = compareWithRun(explanation);
    return explanation;
  } finally {
    await views.close();
  }
}

function explainTarget(options: ExplainOptions): ExplainTarget {
  const { accountId, profileId, crmId } = options;
  if ([accountId, profileId, crmId].filter((x) => x !== undefined).length !== 1) throw new CampaignError('BAD_OPTION', 'give exactly one of accountId, profileId and crmId');
  if (crmId !== undefined) {
    if (crmId === '') throw new CampaignError('BAD_OPTION', 'crmId must not be empty');
    return { crmId };
  }
  const id = accountId ?? profileId!;
  if (!Number.isSafeInteger(id)) throw new CampaignError('BAD_OPTION', `${accountId === undefined ? 'profile' : 'account'} id must be an integer below 2^53, got ${id}`);
  return accountId === undefined ? { profileId: id } : { accountId: id };
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
