import { CampaignError } from '../io/errors.js';
import type { DriftResult } from './drift/drift-types.js';

/** The adapters' errors are the engine's too: one import for every error a run can throw. */
export { abortedBy, AbortedError, CampaignError, DeliveryError, deliveryInputError, InputError, LockError, StorageError } from '../io/errors.js';

/** A configuration file or value that breaks SPEC §9; the message names the key. */
export class ConfigError extends CampaignError {
  constructor(message: string) {
    super('CONFIG', message);
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

/**
 * A published run directory `<out>/<D>/` that is not there (`NO_RUN`) or is not a whole run
 * (`BAD_RUN`: unreadable manifest, a field or file missing). The engine publishes atomically, so
 * a partial run directory is damage, not absence. `path` is the file or directory at fault and
 * `reason` what is wrong with it.
 */
export class RunDirError extends CampaignError {
  readonly path: string;
  readonly reason: string;
  constructor(code: 'NO_RUN' | 'BAD_RUN', path: string, reason: string, message: string) {
    super(code, message);
    this.path = path;
    this.reason = reason;
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
