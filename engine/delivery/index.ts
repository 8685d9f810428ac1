/** The delivery use case (SPEC §8): a published run's payloads to CleverTap through the durable ledger. */
export { deliverRun, defaultStateDir } from './deliver-run.js';
export { acceptHeldRecords } from './accept-held.js';
export type { DeliverOptions, DeliveryProgress, DeliverySummary } from './delivery-types.js';
