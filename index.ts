/**
 * The library surface: what a job runner embedding the engine may import. The synthetic workloads
 * (generateDataset, simulateOutcomes, Sandbox) are not product code: `crm-campaign-engine/workloads`.
 */
export { runCampaign } from './engine/run-campaign.js';
export type { RunCampaignOptions, RunCampaignResult } from './engine/run-campaign.js';
export type { ProgressEvent, ProgressListener, RunPhase } from './engine/progress.js';
export { AbortedError, CampaignError, ConfigError, DeliveryError, DriftError, InputError, LockError, RunDirError, StorageError, ValidationError } from './engine/errors.js';
export type { DriftCheck, DriftResult, DriftStatus } from './engine/drift/drift-types.js';
export { defaultConfig } from './engine/config/default-config.js';
export { configFromObject, effectiveConfig, loadConfigFile, parseConfig } from './engine/config/resolve-config.js';
export type { CampaignConfig, EffectiveConfig, ScenarioName } from './engine/config/config-types.js';
export { SCENARIOS } from './engine/config/config-types.js';
export { acceptHeldRecords, deliverRun } from './engine/delivery/index.js';
export type { DeliverOptions, DeliverySummary } from './engine/delivery/index.js';
export { readAcceptedSends, purgeLedger } from './io/ledger/index.js';
export { explainAccount } from './engine/explain/explain-account.js';
export type { ExplainOptions } from './engine/explain/explain-account.js';
export type { Explanation } from './engine/explain/explanation.js';
export { buildCampaignReport } from './engine/report/build-campaign-report.js';
export type { CampaignReportOptions } from './engine/report/build-campaign-report.js';
export { writeCampaignReport } from './engine/report/write-campaign-report.js';
export type { WrittenReport } from './engine/report/write-campaign-report.js';
export type { BreakdownDimension, BreakdownRow, Breakdowns, CampaignReport, DateReport, Estimate, Lift, OverlapRow, RateCell } from './engine/report/report-types.js';
export { previewCampaign } from './engine/preview/preview-campaign.js';
export { renderPreviewHtml } from './engine/preview/html/render-preview-html.js';
export { writePreviewHtml } from './engine/preview/write-preview-html.js';
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
  SendChanges,
  ShowMove,
  ShowMoves,
  TransitionMatrix,
  Transitions,
} from './engine/preview/preview-types.js';
