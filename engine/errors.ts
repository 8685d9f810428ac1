import type { DriftResult } from './drift/drift-types.js';

/** Base of every error the engine throws on purpose; `code` is stable for job runners to branch on. */
export class CampaignError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A configuration file or value that breaks SPEC §9; the message names the key. */
export class ConfigError extends CampaignError {
  constructor(message: string) {
    super('CONFIG', message);
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

/** Output validation (SPEC §10) found a violation; nothing was published or delivered. */
export class ValidationError extends CampaignError {
  readonly violations: string[];
  constructor(violations: string[]) {
    super('VALIDATION', `output validation failed (${violations.length} violation${violations.length === 1 ? '' : 's'}):\n  ${violations.slice(0, 20).join('\n  ')}`);
    this.violations = violations;
  }
}

/** Another run holds the lock for the same output date. */
export class LockError extends CampaignError {
  constructor(message: string) {
    super('LOCKED', message);
  }
}

/**
 * The caller's AbortSignal fired; nothing was published. From a delivery, `summary` is the
 * delivery summary once the requests out were recorded (the message says what is left).
 */
export class AbortedError extends CampaignError {
  readonly summary: unknown;
  constructor(message = 'run aborted', summary?: unknown) {
    super('ABORTED', message);
    this.summary = summary;
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
 * The drift guard (config `drift.mode: fail`) found a count that moved past its bound against the
 * previous run. From a run, the outputs are published (with the verdict in the manifest) but not
 * delivered; from a delivery, nothing was sent. `drift.reasons` says what moved.
 */
export class DriftError extends CampaignError {
  readonly drift: DriftResult;
  readonly outputDir: string;
  constructor(message: string, drift: DriftResult, outputDir: string) {
    super('DRIFT', message);
    this.drift = drift;
    this.outputDir = outputDir;
  }
}
