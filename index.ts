/**
 * The library surface: what a job runner embedding the engine may import. The synthetic workloads
 * (generateDataset, simulateOutcomes, Sandbox) are not product code: `crm-campaign-engine/workloads`.
 */
export { runCampaign } from './engine/run-campaign.js';
export type { RunCampaignOptions, RunCampaignResult } from './engine/run-campaign.js';
export type { RunManifest } from './engine/run-dir/run-manifest.js';
export type { PlaysCacheOptions, PlaysCacheReport } from './engine/load/plays-cache.js';
export type { IneligibleReason, PlayDropReason, RunCounts, SelectionStatus } from './engine/run/run-counts.js';
export { INELIGIBLE_REASONS } from './engine/model/campaign-model.js';
export { STATUSES } from './engine/phases/phase-params.js';
export type { PhaseResources, RunResources } from './engine/run/resource-meter.js';
export type { PhaseWorkerUse, WorkerUseReport } from './engine/pool/worker-use.js';
export type { ValidationReport } from './engine/output/validate-outputs.js';
export type { DeltaInput, InputFile } from './io/input/table-files.js';
export type { TransferSummary } from './io/input/dataset.js';
export type { ProgressEvent, ProgressListener, ProgressUnit, RunPhase } from './engine/progress.js';
export { RUN_PHASES } from './engine/progress.js';
export { AbortedError, CampaignError, ConfigError, DeliveryError, DriftError, InputError, LockError, RunDirError, StorageError, ValidationError } from './engine/errors.js';
export { EXIT_OF_CODE, EXIT_STATUSES } from './io/exit-codes.js';
export type { ExitName } from './io/exit-codes.js';
export type { DriftCheck, DriftResult, DriftStatus } from './engine/drift/drift-types.js';
export { FreshnessError } from './engine/freshness/check-freshness.js';
export type { FreshnessResult, FreshnessStatus } from './engine/freshness/check-freshness.js';
export { unlock } from './engine/output/unlock.js';
export type { UnlockOptions, UnlockResult } from './engine/output/unlock.js';
export type { LockHolding, LockOwner } from './io/lock/lock-file.js';
export type { ProcessIdentity } from './io/lock/process-identity.js';
export { defaultConfig } from './engine/config/default-config.js';
export { configFromObject, effectiveConfig, loadConfigFile, parseConfig } from './engine/config/resolve-config.js';
export type {
  CampaignConfig,
  CategoryFilter,
  DeepPartial,
  DeliveryConfig,
  DriftConfig,
  DriftMode,
  EffectiveConfig,
  FreshnessConfig,
  FreshnessMode,
  InFlightPolicy,
  Override,
  PartialConfig,
  PoolScenarioConfig,
  ReEngagementConfig,
  RfmConfig,
  RollupMethod,
  ScenarioName,
  ScenariosConfig,
  SegmentRule,
  SelectionConfig,
  SelectionMode,
} from './engine/config/config-types.js';
export { DRIFT_MODES, FRESHNESS_MODES, IN_FLIGHT_POLICIES, ROLLUP_METHODS, SCENARIOS, SELECTION_MODES } from './engine/config/config-types.js';
export { acceptHeldRecords, deliverRun } from './engine/delivery/index.js';
export type { DeliverOptions, DeliveryProgress, DeliverySummary } from './engine/delivery/index.js';
export { readAcceptedSends, purgeLedger } from './io/ledger/index.js';
export type { AcceptedSend } from './io/ledger/ledger-types.js';
export type { DateRange } from './io/ledger/read-accepted-sends.js';
export type { LedgerTombstones, PurgeOptions } from './io/ledger/purge-ledger.js';
export type { DeliveryCredentials } from './io/clevertap/credentials.js';
export { explainAccount } from './engine/explain/explain-account.js';
export type { ExplainOptions } from './engine/explain/explain-account.js';
export type {
  AccountFacts,
  ExcludedShow,
  Exclusion,
  Explanation,
  NotApplied,
  PoolFacts,
  PoolMiss,
  PoolMissReason,
  PreferenceBasis,
  ProfileExplanation,
  RankedShow,
  RecordedRow,
  RecordedRun,
  RecordedSelection,
  RfmExplanation,
  RollupCandidate,
  RollupExplanation,
  ScenarioExplanation,
  SelectionExplanation,
  SendSource,
} from './engine/explain/explanation.js';
export { buildCampaignReport } from './engine/report/build-campaign-report.js';
export type { CampaignReportOptions } from './engine/report/build-campaign-report.js';
export { writeCampaignReport } from './engine/report/write-campaign-report.js';
export type { WrittenReport } from './engine/report/write-campaign-report.js';
export type { BreakdownDimension, BreakdownRow, Breakdowns, CampaignReport, DateReport, Estimate, Lift, OverlapRow, RateCell } from './engine/report/report-types.js';
export { previewCampaign } from './engine/preview/preview-campaign.js';
export { renderPreviewHtml } from './engine/preview/html/render-preview-html.js';
export { writePreviewHtml } from './engine/preview/write-preview-html.js';
export type { EngineRoots } from './engine/run-dir/engine-owned.js';
export type { PreviewReads } from './engine/preview/write-preview-html.js';
export { LOAD_KEYS } from './engine/preview/shared-load.js';
export type {
  AccountSelection,
  CampaignPreview,
  ChangedAccount,
  ChangeKind,
  ConfigChange,
  ConfigSource,
  CountChange,
  PreviewCampaignOptions,
  PreviewSide,
  PreviewWarning,
  SendChanges,
  ShowMove,
  ShowMoves,
  TransitionMatrix,
  Transitions,
} from './engine/preview/preview-types.js';
