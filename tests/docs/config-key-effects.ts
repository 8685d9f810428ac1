import { STORAGE_OPTIONS } from '../../io/storage/storage-options.js';

/**
 * What each config key does, in a user's words: the hand-written column of docs/configuration.md
 * (`npm run docs` joins it to the type, default and bounds read from engine/config). Keyed by the
 * key's path; `*` stands for one path segment (`scenarios.*.pool_size`), an exact path wins.
 * A schema key without an entry here, or an entry without a schema key, fails tests/docs.
 */
export const CONFIG_KEY_EFFECTS: Readonly<Record<string, string>> = {
  history_days:
    'Days of plays read before the campaign date, for every purpose (watched sets, re-engagement, RFM M, pools). Plays older than this are never read. See [windows](campaign-rules.md#run-date-and-windows). Load-time key (a preview that changes it loads twice).',
  min_play_seconds:
    'A play counts only when `watch_seconds` ≥ this; shorter plays are counted in the manifest as `plays_dropped.short`. The report uses the value of each run\'s own manifest. Load-time key.',
  dedup_window_days:
    'A show sent to a profile with `send_date` in the last N days (ledger plus the `sends` table) is never recommended to it again. `0` turns dedup off. Load-time key.',
  default_region: 'Region of a profile whose country (profile, else account) is not in `regions`. Load-time key.',
  boosts:
    'Category → score multiplier (e.g. `{holiday: 3}`), applied to every scenario\'s score and to pool rankings; categories not listed have 1. Any category name except `__proto__`.',
  'scenarios.*.enabled': '`false`: the scenario produces no rows (its file is empty) and selection falls back as if it had none.',
  'scenarios.*.include_categories': 'When not empty, only shows of these categories are recommended by this scenario.',
  'scenarios.*.exclude_categories': 'Shows of these categories are never recommended by this scenario.',
  'scenarios.*.min_viewers': 'A show needs at least this many distinct viewers in the window to enter the pool.',
  'scenarios.*.pool_size': 'The pool keeps this many best shows; a profile whose top shows are all watched or recently sent may get fewer than 5.',
  'scenarios.cluster_discovery.window_days':
    'Pool of each viewing cluster: shows ranked by distinct profiles of the cluster with a counted play in the last N days.',
  'scenarios.trending.window_days': 'Pool of each region: shows ranked by distinct profiles of the region with a counted play in the last N days.',
  'scenarios.avod.window_days':
    'Pool of each region for AVOD-treatment accounts: AVOD-available shows ranked by distinct profiles of AVOD-plan accounts of the region with a counted play in the last N days.',
  'rollup.method':
    'Which eligible profile speaks for the household: `primary` (most watch seconds in the history window), `dominant` (most distinct play dates in the last 28 days), `last_active` (latest play). Ties: smallest profile id.',
  'selection.mode':
    '`behavior`: the scenario follows the chosen profile\'s days since its last play (≤ 7 re-engagement, 8–30 trending, else cluster discovery; AVOD treatment: avod). `calendar`: `rotation[day number mod length]`.',
  'selection.fallback': 'When the preferred scenario has no row for the profile, the first scenario of this list that has one is used (SVOD treatment only).',
  'selection.rotation': 'The scenario of each day in `calendar` mode, cycling by the number of days since 1970-01-01.',
  'selection.avod_segments': 'RFM segments treated as AVOD (sent only the `avod` scenario) whatever their plan.',
  'selection.max_sends_7d':
    'Frequency cap: an account with at least this many sends dated in the 7 days before the campaign date gets status `frequency_capped` (not sent). `null`: no cap.',
  'rfm.r_days': 'Recency score thresholds: days since the account\'s latest play ≤ 1st value → R 5, ≤ 2nd → 4, ≤ 3rd → 3, ≤ 4th → 2, else (or no play) 1.',
  'rfm.f_days': 'Frequency score thresholds: distinct play dates in the last 30 days ≥ 1st value → F 5, ≥ 2nd → 4, ≥ 3rd → 3, ≥ 4th → 2, else 1.',
  'rfm.m_hours': 'Monetary (watch time) score thresholds: watch hours in the history window ≥ 1st value → M 5, ≥ 2nd → 4, ≥ 3rd → 3, ≥ 4th → 2, else 1.',
  'rfm.segments': 'Segment rules, first match wins; an account no rule matches is `needs_attention`. The last rule should match everything.',
  'rfm.segments[].name': 'The segment name, as written to `selection.parquet` (`rfm_segment`) and the payload.',
  'rfm.segments[].r_min': 'The rule matches only accounts with R score ≥ this. Every bound a rule gives must hold; a rule with none matches every account.',
  'rfm.segments[].r_max': 'The rule matches only accounts with R score ≤ this.',
  'rfm.segments[].f_min': 'The rule matches only accounts with F score ≥ this.',
  'rfm.segments[].f_max': 'The rule matches only accounts with F score ≤ this.',
  'rfm.segments[].m_min': 'The rule matches only accounts with M score ≥ this.',
  'rfm.segments[].m_max': 'The rule matches only accounts with M score ≤ this.',
  'holdout.bps':
    'Control group size in basis points of 10,000: an account is in the holdout when FNV-1a-32 of `salt:account_id` mod 10,000 is below this (1000 = 10%). Holdout accounts are selected but never sent.',
  'holdout.salt': 'Salt of the holdout hash. Changing it draws a new control group; keep it fixed across dates so the report compares like with like.',
  'delivery.event_name': 'CleverTap event name (`evtName`) of every payload record.',
  'delivery.batch_size': 'Records per Upload API request (CleverTap accepts at most 1000).',
  'delivery.concurrency': 'Requests in flight at once (CleverTap allows at most 15 per account).',
  'delivery.max_attempts':
    'Tries per batch (429 answers not counted). Records CleverTap kept refusing one by one (a transient `unprocessed` code) are then dead-lettered as `retries_exhausted`; a batch whose whole request kept failing (connection, TLS, timeout, 5xx) is not: its records stay pending for the next delivery, which this one ends by failing. See [delivery](operations.md#delivery).',
  'delivery.retry_budget': 'Re-sent requests allowed per delivery run, across all batches.',
  'delivery.circuit_failures':
    'Failed requests in a row (spanning at least the first four backoff rounds) after which the delivery stops with every unsent record pending. See [delivery](operations.md#delivery).',
  'delivery.timeout_ms': 'A request without an answer after this long is cut; its outcome is unknown (see `in_flight_policy`).',
  'delivery.backoff_base_ms': 'First retry delay; doubled each attempt, with full jitter.',
  'delivery.backoff_max_ms': 'Largest retry delay.',
  'delivery.in_flight_policy':
    'Records of a request with an unknown outcome: `resend` retries them and counts `possible_duplicates`; `hold` holds them for an operator (no duplicates). See [delivery guarantees](operations.md#what-delivery-guarantees).',
  'drift.mode':
    '`warn`: a bound exceeded is a warning; `fail`: the run is published but not delivered (exit 5) until `deliver --accept-drift`; `off`: no comparison. See [drift guard](operations.md#drift-guard).',
  'drift.max_send_change': 'Largest relative change of `send` accounts against the previous run (0.5 = ±50%).',
  'drift.max_eligible_change': 'Largest relative change of eligible profiles against the previous run.',
  'drift.max_share_change': 'Largest absolute change of any scenario\'s share of sends, in share points 0..1 (0.15 = 15 points).',
  'freshness.mode':
    '`fail` (default): stale or missing plays, no eligible profile or no send stop the run before anything is published (exit 4, `STALE_DATA` or `EMPTY_CAMPAIGN`); `warn`: published, each reason a warning and in the manifest; `off`: not checked. See [freshness guard](operations.md#freshness-guard).',
  'freshness.max_lag_days': 'The latest play (before the campaign date) may be at most this many days before it: plays up to D−1 are lag 1. Older plays fail the guard.',
  'drift.min_count': 'Counts below this in both runs are not checked (one account would be a big move); shares are not checked when sends are below it.',
  // The storage options' own descriptions (io/storage/storage-options.ts), one copy for the docs and the code.
  ...Object.fromEntries(
    STORAGE_OPTIONS.map((o) => [
      `storage.${o.name.toLowerCase()}`,
      `${o.description}${o.env.length === 0 ? '' : ` Environment: ${o.env.map((e) => `\`${e}\``).join(', ')}.`}${o.secret ? ' A secret: shown as `(set)` in the manifest and by `campaign config`.' : ''} See [object storage](object-storage.md).`,
    ]),
  ),
  overrides:
    'Date-ranged config changes: every override whose range contains the campaign date is deep-merged into the config in list order (mappings merge, lists and scalars replace).',
  'overrides[].name': 'Name of the override, listed in `campaign config`, the manifest (`active_overrides`) and `preview --override`.',
  'overrides[].from': 'First date the override applies (inclusive).',
  'overrides[].to': 'Last date the override applies (inclusive).',
  'overrides[].set': 'The keys to change, written like the config itself (any key except `overrides`).',
};
