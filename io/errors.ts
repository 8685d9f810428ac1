/**
 * Errors the adapters throw on purpose. They live at the lowest layer that throws them so io/
 * never imports the engine; the engine's own errors (engine/errors.ts) extend CampaignError.
 */

import { EXIT_STATUSES, exitNameOf } from './exit-codes.js';
import type { ExitName } from './exit-codes.js';

/**
 * Base of every error the engine throws on purpose. `code` is stable and says what went wrong;
 * `exit` names its row of the exit-status table (io/exit-codes.ts), what a job runner does about
 * it, and `exitCode` is the status the CLI exits with for it.
 */
export class CampaignError extends Error {
  readonly code: string;
  readonly exit: ExitName;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.exit = exitNameOf(code);
  }

  get exitCode(): number {
    return EXIT_STATUSES[this.exit].code;
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
 * Delivery to CleverTap stopped before every record had an outcome (`DELIVERY`: circuit open,
 * endpoint failing, retry budget spent — retry later) or cannot start (`DELIVERY_INPUT`: missing or
 * refused credentials, an unusable endpoint or run — a person must fix it). The ledger is intact;
 * re-running `deliver` resumes. `summary` (when present) is the delivery summary when it stopped.
 */
export class DeliveryError extends CampaignError {
  readonly summary: unknown;
  constructor(message: string, summary?: unknown, code: 'DELIVERY' | 'DELIVERY_INPUT' = 'DELIVERY') {
    super(code, message);
    this.summary = summary;
  }
}

/** A DeliveryError a person must fix before any delivery can succeed (credentials, endpoint, the run's files). */
export function deliveryInputError(message: string): DeliveryError {
  return new DeliveryError(message, undefined, 'DELIVERY_INPUT');
}

/**
 * The caller's AbortSignal fired (the CLI: SIGINT or SIGTERM); nothing was published. `reason` is
 * what was passed to `abort(reason)` (the CLI passes the signal's name). From a delivery, `summary`
 * is the delivery summary once the requests out were recorded (the message says what is left).
 */
export class AbortedError extends CampaignError {
  readonly summary: unknown;
  readonly reason: unknown;
  constructor(message = 'run aborted', summary?: unknown, reason?: unknown) {
    super('ABORTED', message);
    this.summary = summary;
    this.reason = reason;
  }
}

/** The AbortedError for `signal`, keeping its reason and naming it in the message: `run aborted (SIGTERM)`. */
export function abortedBy(signal: AbortSignal, what = 'run'): AbortedError {
  return new AbortedError(`${what} aborted${reasonText(signal.reason)}`, undefined, signal.reason);
}

function reasonText(reason: unknown): string {
  // abort() without a reason gives a DOMException 'AbortError': nothing to add.
  if (reason === undefined || (reason instanceof Error && reason.name === 'AbortError')) return '';
  const text = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : JSON.stringify(reason);
  return text === undefined || text === '' ? '' : ` (${text})`;
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
