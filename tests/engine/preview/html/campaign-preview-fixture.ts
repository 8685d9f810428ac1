import { defaultConfig } from '../../../../engine/config/default-config.js';
import { parseDay } from '../../../../engine/dates.js';
import { judgeFreshness } from '../../../../engine/freshness/check-freshness.js';
import type { RunCounts } from '../../../../engine/run/run-counts.js';
import type { DriftResult } from '../../../../engine/drift/drift-types.js';
import type { CampaignPreview, TransitionMatrix } from '../../../../engine/preview/preview-types.js';

/** A name from config or data that must reach the page as text, never as markup. */
export const HOSTILE = '<b>&"x"';

const SCENARIO_LABELS = ['cluster_discovery', 're_engagement', 'trending', 'avod', 'none', 'not_selected'];
const STATUS_LABELS = ['send', 'holdout', 'frequency_capped', 'no_candidates', 'not_selected'];

function matrix(labels: string[], cells: [string, string, number][]): TransitionMatrix {
  const counts = labels.map(() => labels.map(() => 0));
  for (const [from, to, n] of cells) counts[labels.indexOf(from)]![labels.indexOf(to)] = n;
  return { old: labels, new: labels, counts };
}

const warned: DriftResult = {
  mode: 'warn',
  status: 'warned',
  baseline: { date: '2026-11-21', run_id: '2026-11-21-0123456789abcdef' },
  checks: [
    { metric: 'send_accounts', previous: 1000, current: 1200, change: 0.2, limit: 0.5, exceeded: false },
    { metric: 'send_share.trending', previous: 0.4, current: 0.1, change: -0.3, limit: 0.15, exceeded: true },
  ],
  reasons: ['send_share.trending moved from 40.0% on 2026-11-21 to 10.0% (−30.0 points; limit ±15.0)'],
  notes: [],
  ignored_baselines: [],
};

/**
 * Trending switched off and a hostile category boosted: 300 trending accounts fall back (250 to
 * re-engagement, 40 to cluster discovery, 10 leave the selection), 5 move send → holdout.
 */
export function campaignPreviewFixture(): CampaignPreview {
  const config = defaultConfig();
  const freshness = judgeFreshness(config.freshness, parseDay('2026-11-22'), config.history_days, { latestPlayDay: parseDay('2026-11-21'), playsInWindow: 1000, eligibleProfiles: 100, sends: 80 });
  return {
    date: '2026-11-22',
    dataDir: '/lake/crm/2026-11-22',
    engineVersion: '0.1.0',
    old: { source: { kind: 'run', runDir: '/srv/campaigns/2026-11-22', runId: '2026-11-22-aaaaaaaaaaaaaaaa', date: '2026-11-22' }, activeOverrides: [], effectiveConfig: config, runId: '2026-11-22-aaaaaaaaaaaaaaaa', runDir: null, counts: {} as RunCounts, freshness, timingsMs: {} },
    new: { source: { kind: 'file', path: `/etc/${HOSTILE}.yaml` }, activeOverrides: [HOSTILE], effectiveConfig: config, runId: '2026-11-22-bbbbbbbbbbbbbbbb', runDir: null, counts: {} as RunCounts, freshness, timingsMs: {} },
    configChanges: [
      { key: 'scenarios.trending.enabled', old: true, new: false },
      { key: `boosts.${HOSTILE}`, old: null, new: 3 },
    ],
    load: { shared: true, reloadedFor: [] },
    inputWarnings: [],
    scratchDir: null,
    transitions: {
      accounts: 1010,
      changed: 305,
      statusChanged: 5,
      scenarioChanged: 290,
      showChanged: 290,
      profileChanged: 0,
      segmentChanged: 0,
      treatmentChanged: 0,
      entered: 0,
      left: 10,
      scenario: matrix(SCENARIO_LABELS, [
        ['re_engagement', 're_engagement', 500],
        ['trending', 're_engagement', 250],
        ['trending', 'cluster_discovery', 40],
        ['trending', 'not_selected', 10],
        ['cluster_discovery', 'cluster_discovery', 200],
        ['none', 'none', 10],
      ]),
      status: matrix(STATUS_LABELS, [
        ['send', 'send', 895],
        ['send', 'holdout', 5],
        ['send', 'not_selected', 10],
        ['holdout', 'holdout', 90],
        ['no_candidates', 'no_candidates', 10],
      ]),
    },
    sends: {
      total: { before: 910, after: 895 },
      scenario: [
        { key: 'cluster_discovery', before: 180, after: 216 },
        { key: 're_engagement', before: 450, after: 679 },
        { key: 'trending', before: 280, after: 0 },
        { key: 'avod', before: 0, after: 0 },
      ],
      rfm_segment: [
        { key: 'champions', before: 400, after: 395 },
        { key: HOSTILE, before: 510, after: 500 },
      ],
      treatment: [
        { key: 'svod', before: 910, after: 895 },
        { key: 'avod', before: 0, after: 0 },
      ],
      region: [
        { key: 'emea', before: 600, after: 590 },
        { key: 'apac', before: 310, after: 305 },
      ],
    },
    shows: {
      changed: 3,
      gained: [{ showId: 812, title: HOSTILE, category: 'holiday', before: 10, after: 250 }],
      lost: [
        { showId: 455, title: 'Winter Lights', category: 'drama', before: 300, after: 60 },
        { showId: 77, title: 'Quiet Harbour', category: HOSTILE, before: 20, after: 5 },
      ],
      mostSent: { showId: 812, title: HOSTILE, category: 'holiday', before: 10, after: 250 },
    },
    sample: [
      {
        accountId: 403358036,
        old: { profileId: 11, segment: 'champions', treatment: 'svod', scenario: 'trending', showId: 455, title: 'Winter Lights', status: 'send' },
        new: { profileId: 11, segment: 'champions', treatment: 'svod', scenario: 're_engagement', showId: 812, title: HOSTILE, status: 'send' },
        changes: ['scenario', 'show'],
        reason: 'trending disabled (scenarios.trending.enabled: false): trending 0 rows → re_engagement 3 rows → re_engagement (selection.fallback)',
      },
      {
        accountId: 500,
        old: { profileId: 12, segment: 'champions', treatment: 'svod', scenario: 'trending', showId: 455, title: 'Winter Lights', status: 'send' },
        new: null,
        changes: ['left'],
        reason: `no eligible profile has a recommendation now: ${HOSTILE}`,
      },
    ],
    warnings: [
      { kind: 'title_share', key: '812', message: `one title takes 27.9% of sends: 812 "${HOSTILE}" (holiday) 250 of 895, was 10 (1.1%); the warning level is 20.0%` },
      { kind: 'scenario_dropped', key: 'trending', message: 'scenario Trending drops to zero sends (was 280)' },
    ],
    drift: { old: { ...warned, status: 'ok', reasons: [], checks: [] }, new: warned },
    timingsMs: { load: 1000, old: 500, new: 400, compare: 10, total: 1910 },
  };
}
