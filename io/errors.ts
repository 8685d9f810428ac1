/**
 * Errors the adapters throw on purpose. They live at the lowest layer that throws them so io/
 * never imports the engine; the engine's own errors (engine/errors.ts) extend CampaignError.
 */

/** Base of every error the engine throws on purpose; `code` is stable for job runners to branch on. */
export class CampaignError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An input that breaks the SPEC §2 contract; the message names the file, column and problem. */
export class InputError extends CampaignError {
  readonly file: string;
  constructor(file: string, message: string) {
    super('INPUT', `${file}: ${message}`);
    this.file = file;
  }
}

/** Another run holds the lock for the same output date. */
export class LockError extends CampaignError {
  constructor(message: string) {
    super('LOCKED', message);
  }
}

/**
 * Delivery to CleverTap stopped before every record had an outcome (circuit open, bad credentials,
 * unusable endpoint) or its inputs are unusable. The ledger is intact; re-running `deliver` resumes.
 * `summary` (when present) is the delivery summary at the moment it stopped.
 */
export class DeliveryError extends CampaignError {
  readonly summary: unknown;
  constructor(message: string, summary?: unknown) {
    super('DELIVERY', message);
    this.summary = summary;
  }
}

/**
 * Object storage could not be read (io/storage). `url` names the object or dataset root; the message
 * never holds a secret. `retryable` is true when the failure may pass by itself (an outage,
 * throttling that outlasted the retries: code `STORAGE_UNAVAILABLE`) and false when something must
 * be fixed (a URL, an option, credentials, permissions, a missing object: code `STORAGE`).
 */
export class StorageError extends CampaignError {
  readonly url: string;
  readonly retryable: boolean;
  constructor(url: string, message: string, retryable = false) {
    super(retryable ? 'STORAGE_UNAVAILABLE' : 'STORAGE', `${url}: ${message}`);
    this.url = url;
    this.retryable = retryable;
  }
}
