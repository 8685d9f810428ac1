import type { DeliveryConfig } from '../config/config-types.js';
import type { DriftResult } from '../drift/drift-types.js';
import type { DeliveryCredentials } from '../../io/clevertap/credentials.js';

export interface DeliverOptions {
  /** The output root: the run's files are in `<outDir>/<date>/`. */
  outDir: string;
  date: string;
  /** Ledger directory; default `<outDir>/state`. */
  stateDir?: string;
  /** Default: the run manifest's `effective_config.delivery`. */
  config?: DeliveryConfig;
  /** Default: from the environment (credentialsFromEnv). Not needed for a dry run. */
  credentials?: DeliveryCredentials;
  /** Validate and count; send nothing, write nothing. */
  dryRun?: boolean;
  /** Also re-attempt dead-lettered and held records of the date. */
  retryDeadLetters?: boolean;
  /** The run id this delivery is for (`run --deliver`): refused, nothing sent, when another run of the date is published. */
  runId?: string;
  /** Deliver a run that failed the drift guard (otherwise refused with DriftError); recorded in the summary. */
  acceptDrift?: boolean;
  /**
   * Interrupts the delivery: no new request leaves; the requests out finish — answered (recorded:
   * accepted when CleverTap says so) or timed out after `timeout_ms` (an unknown outcome: held
   * under `hold`, left in flight for a re-send under `resend`) — then AbortedError.
   */
  signal?: AbortSignal;
  /** Cuts the requests still out at once (e.g. a second Ctrl-C): their records get the unknown-outcome treatment above. */
  cutSignal?: AbortSignal;
  onProgress?: (progress: DeliveryProgress) => void;
  /** The lease of the date's and the ledger's locks (ms, default 2 minutes; see RunCampaignOptions.lockLeaseMs). */
  lockLeaseMs?: number;
}

export interface DeliveryProgress {
  campaign_date: string;
  /** Records this delivery set out to send. */
  to_send: number;
  accepted: number;
  dead_letter: number;
  /** Records waiting for (re)sending, including those between retries. */
  pending: number;
  in_flight: number;
  retries: number;
  rate_limited: number;
  elapsed_ms: number;
}

/** The outcome of one `deliver`, printed by the CLI and merged into the run manifest under `delivery`. */
export interface DeliverySummary {
  campaign_date: string;
  run_id: string | null;
  dry_run: boolean;
  /** Endpoint host only (never credentials); null for a dry run. */
  endpoint: string | null;
  in_flight_policy: DeliveryConfig['in_flight_policy'];
  /** The run's failed drift verdict, when this delivery went ahead anyway (`acceptDrift`); else null. */
  drift_accepted: Pick<DriftResult, 'baseline' | 'reasons'> | null;
  /** `send` records in the run. */
  records: number;
  /** Accepted by an earlier delivery of this date, so not sent again. */
  already_accepted: number;
  /** Records this delivery attempted (or, dry run, would attempt). */
  to_send: number;
  accepted: number;
  dead_letter: { total: number; by_reason: Record<string, number> };
  /** Records this delivery held (`in_flight_policy: hold`) because CleverTap may have them: never re-sent automatically. */
  held: { total: number; by_reason: Record<string, number> };
  /**
   * Requests whose outcome is unknown: no answer although the whole request had left (timeout,
   * connection lost, interrupted), a 502/504, or a 200 that could not be matched to the batch.
   */
  unknown_outcomes: number;
  /**
   * Records sent again although CleverTap may already have had them (after an unknown outcome, in
   * flight from an interrupted delivery, or re-opened held records): an upper bound on the
   * duplicate events this delivery can have caused. 0 under `hold` unless held records are re-sent.
   */
  possible_duplicates: number;
  /** Records found in flight from a delivery that died, and what the policy did with them. */
  recovered_in_flight: { resent: number; held: number };
  /** Dead-lettered or held records re-attempted by --retry-dead-letters. */
  retried_dead_letters: number;
  /**
   * Of `to_send`, left pending (circuit open, interrupted) or in flight (their outcome unknown,
   * `resend` policy): the next delivery picks them up, in-flight ones by `in_flight_policy`.
   */
  pending: number;
  in_flight: number;
  requests: number;
  retries: number;
  rate_limited: number;
  /** 200 responses whose `unprocessed` list could not be matched to the batch (records re-sent). */
  ambiguous_responses: number;
  /** Why the delivery stopped early, or null when every record has an outcome. */
  stopped: string | null;
  /** The date's whole ledger after this delivery. */
  ledger: { accepted: number; dead_letter: number; held: number; pending: number; in_flight: number };
  wall_ms: number;
  /** Where the wall time went: reading and validating the run files, preparing the ledger, sending, compacting the ledger. */
  phases_ms: { validate: number; ledger: number; send: number; compact: number };
  records_per_second: number;
}
