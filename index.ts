/** The library surface: what a job runner embedding the engine may import. */
export { runCampaign } from './engine/run-campaign.js';
export type { RunCampaignOptions, RunCampaignResult } from './engine/run-campaign.js';
export type { ProgressEvent, ProgressListener, RunPhase } from './engine/progress.js';
export { AbortedError, CampaignError, ConfigError, DeliveryError, InputError, LockError, ValidationError } from './engine/errors.js';
export { defaultConfig } from './engine/config/default-config.js';
export { configFromObject, effectiveConfig, loadConfigFile, parseConfig } from './engine/config/resolve-config.js';
export type { CampaignConfig, EffectiveConfig, ScenarioName } from './engine/config/config-types.js';
export { SCENARIOS } from './engine/config/config-types.js';
export { generateDataset } from './io/generate/generate-dataset.js';
export type { GenerateOptions, GenerateSummary } from './io/generate/generate-dataset.js';
export { deliverRun } from './io/clevertap/index.js';
export type { DeliverOptions, DeliverySummary } from './io/clevertap/index.js';
export { readAcceptedSends, purgeLedger } from './io/ledger/index.js';
export { Sandbox } from './io/clevertap/index.js';
