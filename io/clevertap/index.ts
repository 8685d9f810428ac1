/** Delivery to CleverTap's Upload Events API: the delivery run, credentials and the local sandbox. */
export { deliverRun, defaultStateDir } from '../../engine/delivery/deliver-run.js';
export { acceptHeldRecords } from '../../engine/delivery/accept-held.js';
export { credentialsFromEnv, regionEndpoint } from './credentials.js';
export type { DeliverOptions, DeliveryCredentials, DeliveryProgress, DeliverySummary } from '../../engine/delivery/delivery-types.js';
export { PERMANENT_RECORD_CODES, isTransientRecordCode } from './record-codes.js';
export { Sandbox, SANDBOX_DEFAULT_ACCOUNT_ID, SANDBOX_DEFAULT_PASSCODE } from '../../bench/workloads/sandbox/sandbox-server.js';
export { sandboxRecordKey } from '../../bench/workloads/sandbox/sandbox-upload-parse.js';
export type { SandboxOptions, SandboxStats } from '../../bench/workloads/sandbox/sandbox-server.js';
export { parseFaultSpec } from '../../bench/workloads/sandbox/sandbox-faults.js';
export type { RequestFault, SandboxFaults } from '../../bench/workloads/sandbox/sandbox-faults.js';
