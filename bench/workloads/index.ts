/**
 * Synthetic workloads for tests, demos and benchmarks — never imported by the product: the §2
 * dataset generator, the outcome simulator and a local CleverTap-compatible sandbox server.
 * Published as `crm-campaign-engine/workloads`.
 */
export { generateDataset } from './generate/generate-dataset.js';
export type { GenerateOptions, GenerateSummary } from './generate/generate-dataset.js';
export { simulateOutcomes } from './outcomes/simulate-outcomes.js';
export type { SimulateOutcomesOptions, SimulateOutcomesSummary, SimulatedArm } from './outcomes/simulate-outcomes.js';
export { Sandbox, SANDBOX_DEFAULT_ACCOUNT_ID, SANDBOX_DEFAULT_PASSCODE } from './sandbox/sandbox-server.js';
export type { SandboxOptions, SandboxStats } from './sandbox/sandbox-server.js';
