import type { CampaignConfig, PartialConfig } from '../config/config-types.js';
import type { RunCounts } from '../run/run-counts.js';
import type { FreshnessResult } from '../freshness/check-freshness.js';
import type { DriftResult } from '../drift/drift-types.js';
import type { ProgressListener } from '../progress.js';

export interface PreviewCampaignOptions {
  /** Campaign date D, YYYY-MM-DD. */
  date: string;
  /** Dataset (SPEC §2): a directory or a URL. Default: the dataset named by the manifest of the run compared against. */
  dataDir?: string;
  /** Object storage options over the config's `storage:` section and the environment. */
  storage?: Readonly<Record<string, string>>;
  /** The candidate config: an object or a YAML/JSON file path; default the SPEC defaults. With `override`, the config whose override is previewed. */
  config?: PartialConfig | string;
  /** The name of one of `config`'s overrides, applied as if its date range contained `date`. */
  override?: string;
  /** The config to compare against (object or file). */
  against?: PartialConfig | string;
  /** A published run directory `<out>/<D>` whose effective config is compared against; `outDir` defaults to its parent. */
  againstRun?: string;
  /**
   * Output root of the nightly runs. Read only: its run of `date` is the default comparison, its
   * latest run before `date` the drift guard's baseline, and `<outDir>/state` the default ledger.
   */
  outDir?: string;
  /** Delivery state (the ledger), read for the dedup history exactly as a run reads it. Default `<outDir>/state`. */
  stateDir?: string;
  /** Write and keep the two runs here, as `old/<D>/` and `new/<D>/` (must be absent or empty). Default: the runs are built and checked but their files are not written (nothing would read them). */
  scratchDir?: string;
  /** Delta table versions to read, by table (`{ plays: 41 }`), as for a run; others at their latest version. */
  deltaVersions?: Readonly<Record<string, number>>;
  /** As runCampaign's: directories a Delta log may name by absolute path, besides the dataset. */
  allowExternalPaths?: readonly string[];
  /** Worker threads; 0 runs the shard passes on the calling thread. Default: the core count. */
  workers?: number;
  /** How many changed accounts to list with a reason (default 20). */
  sampleSize?: number;
  /** Warn when one title takes more than this share (0..1) of the new config's sends (default 0.2). */
  maxTitleShare?: number;
  signal?: AbortSignal;
  /** Progress of both runs; each event's `run` says which (`shared` for the one load). */
  onProgress?: ProgressListener;
}

/** Where one side's config came from. */
export type ConfigSource =
  | { kind: 'defaults' }
  | { kind: 'object' }
  | { kind: 'file'; path: string }
  | { kind: 'run'; runDir: string; runId: string | null; date: string | null }
  | { kind: 'override'; path: string | null; override: string };

/** One side of the comparison: its config and what its run selected, in counts. */
export interface PreviewSide {
  source: ConfigSource;
  activeOverrides: string[];
  effectiveConfig: CampaignConfig;
  /** The run id a nightly run with this config and these inputs would get. */
  runId: string;
  /** The run written in the scratch directory; null when no scratch directory was asked for. */
  runDir: string | null;
  /** The manifest's counts (SPEC §10): loader rows and drops, rollup, status, chosen and sent scenario. */
  counts: RunCounts;
  /** The freshness guard's verdict for this side: a nightly run with `mode: fail` would stop when it is `failed`. */
  freshness: FreshnessResult;
  timingsMs: Record<string, number>;
}

/** A config key whose effective value differs (dotted path; arrays compared whole). */
export interface ConfigChange {
  key: string;
  old: unknown;
  new: unknown;
}

/** Accounts by old value (rows) and new value (columns); `not_selected` is no selection row, `none` no scenario. */
export interface TransitionMatrix {
  old: string[];
  new: string[];
  /** counts[i][j]: accounts that went from old[i] to new[j]. */
  counts: number[][];
}

export interface Transitions {
  /** Accounts with a selection row on either side. */
  accounts: number;
  /** Accounts whose selection row differs in any way (or exists on one side only). */
  changed: number;
  /** Among accounts selected on both sides. */
  statusChanged: number;
  scenarioChanged: number;
  showChanged: number;
  profileChanged: number;
  segmentChanged: number;
  treatmentChanged: number;
  /** Selected only under the new config, or only under the old. */
  entered: number;
  left: number;
  scenario: TransitionMatrix;
  status: TransitionMatrix;
}

/** `send` accounts with one value of a dimension, before → after. */
export interface CountChange {
  key: string;
  before: number;
  after: number;
}

export interface SendChanges {
  total: { before: number; after: number };
  scenario: CountChange[];
  rfm_segment: CountChange[];
  treatment: CountChange[];
  /** The chosen profile's region. */
  region: CountChange[];
}

export type SendDimension = Exclude<keyof SendChanges, 'total'>;

/** `send` accounts chosen for one show, before → after. */
export interface ShowMove {
  showId: number;
  title: string;
  category: string;
  before: number;
  after: number;
}

export interface ShowMoves {
  /** Shows whose send count changed. */
  changed: number;
  /** The largest increases first (at most SHOW_LIMIT). */
  gained: ShowMove[];
  /** The largest decreases first (at most SHOW_LIMIT). */
  lost: ShowMove[];
  /** The show with the most `send` accounts under the new config (ties: smallest id); null when nothing is sent. */
  mostSent: ShowMove | null;
}

/**
 * Something in the new selection a CRM manager should look at before it goes live: one title
 * taking more than `maxTitleShare` of the sends, or a scenario or region that had sends and has none.
 */
export interface PreviewWarning {
  kind: 'title_share' | 'scenario_dropped' | 'region_dropped';
  /** The show id, scenario or region. */
  key: string;
  message: string;
}

/** One account's selection row, as `selection.parquet` holds it, plus the show's title. */
export interface AccountSelection {
  profileId: number;
  segment: string;
  treatment: string;
  scenario: string | null;
  showId: number | null;
  title: string | null;
  status: string;
}

export type ChangeKind = 'entered' | 'left' | 'segment' | 'treatment' | 'profile' | 'scenario' | 'show' | 'status';

export interface ChangedAccount {
  accountId: number;
  old: AccountSelection | null;
  new: AccountSelection | null;
  changes: ChangeKind[];
  /** Why, in one line, from explain's rules: the first difference in the decision chain and what moved it. */
  reason: string;
}

/** `campaign preview`: the date run under two configs from one load of the inputs, compared. */
export interface CampaignPreview {
  date: string;
  dataDir: string;
  engineVersion: string;
  old: PreviewSide;
  new: PreviewSide;
  configChanges: ConfigChange[];
  /** Whether both runs used one load of the inputs, or which load-time keys differ and made the second run load again. */
  load: { shared: boolean; reloadedFor: string[] };
  /** What the inputs say although the preview goes on: each empty required table (as a run's manifest `warnings`). */
  inputWarnings: string[];
  /** The scratch directory holding both runs, or null. */
  scratchDir: string | null;
  transitions: Transitions;
  sends: SendChanges;
  shows: ShowMoves;
  /** Changed accounts, spread over the transitions (largest first), each with its reason. */
  sample: ChangedAccount[];
  /** What to look at before the new config goes live (a title over `maxTitleShare`, a scenario or region dropped to zero). */
  warnings: PreviewWarning[];
  /** The drift guard's verdict each config would get against the latest published run before the date under `outDir`. */
  drift: { old: DriftResult; new: DriftResult };
  timingsMs: Record<string, number>;
}
