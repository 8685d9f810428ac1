/** Delivery to CleverTap's Upload Events API: the delivery run, credentials and the local sandbox. */
export { deliverRun, defaultStateDir } from './deliver-run.js';
export { acceptHeldRecords } from './accept-held.js';
export { credentialsFromEnv, regionEndpoint } from './credentials.js';
export type { DeliverOptions, DeliveryCredentials, DeliveryProgress, DeliverySummary } from './delivery-types.js';
export { PERMANENT_RECORD_CODES, isTransientRecordCode } from './record-codes.js';
export { Sandbox, SANDBOX_DEFAULT_ACCOUNT_ID, SANDBOX_DEFAULT_PASSCODE } from './sandbox-server.js';
export { sandboxRecordKey } from './sandbox-upload-parse.js';
export type { SandboxOptions, SandboxStats } from './sandbox-server.js';
export { parseFaultSpec } from './sandbox-faults.js';
export type { RequestFault, SandboxFaults } from './sandbox-faults.js';
