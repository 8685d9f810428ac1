import { StorageOptions } from '../../../io/storage/storage-options.js';
import type { RetryPolicy } from '../../../io/storage/retry.js';
import { AZURITE_ACCOUNT, AZURITE_KEY } from './azurite-server.js';
import { S3_KEYS } from '../../../bench/workloads/storage/s3-server.js';

/** Storage options (command-line style) that reach s3rver at `endpoint` (the server or a proxy). */
export function s3Storage(endpoint: string): Record<string, string> {
  return { ...S3_KEYS, AWS_ENDPOINT_URL: endpoint, AWS_ALLOW_HTTP: 'true', AWS_REGION: 'us-east-1' };
}

/** The same server as GCS's XML API with an HMAC key (s3rver knows its one key id, and does not check signatures). */
export function gcsStorage(endpoint: string): Record<string, string> {
  return { GOOGLE_HMAC_KEY_ID: S3_KEYS.AWS_ACCESS_KEY_ID, GOOGLE_HMAC_SECRET: 'hmac-secret-for-tests', GOOGLE_ENDPOINT_URL: endpoint, GOOGLE_ALLOW_HTTP: 'true' };
}

/** Storage options that reach Azurite's Blob endpoint at `endpoint` (`http://127.0.0.1:port`), with the account key. */
export function azureStorage(endpoint: string): Record<string, string> {
  return { AZURE_STORAGE_ACCOUNT_NAME: AZURITE_ACCOUNT, AZURE_STORAGE_ACCOUNT_KEY: AZURITE_KEY, AZURE_STORAGE_ENDPOINT: `${endpoint}/${AZURITE_ACCOUNT}`, AZURE_ALLOW_HTTP: 'true' };
}

/** Resolved options from the command-line style pairs alone (the test process's environment is ignored). */
export function optionsOf(pairs: Record<string, string>): StorageOptions {
  return StorageOptions.resolve({ env: {}, cli: pairs });
}

/** Retries that fit a test: fast backoff, a short idle timeout. */
export function fastPolicy(over: Partial<RetryPolicy> = {}): RetryPolicy {
  return { maxRetries: 4, retryTimeoutMs: 20_000, idleTimeoutMs: 2_000, baseDelayMs: 1, maxDelayMs: 20, random: () => 0.5, ...over };
}

/** An S3 error body, as S3 and S3-compatible servers send one. */
export function s3ErrorBody(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>1</RequestId></Error>`;
}
