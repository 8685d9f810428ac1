/**
 * A record's outcome in the delivery ledger:
 * - `pending`: known, not yet sent (or sent and definitively not accepted, so safe to send again);
 * - `in_flight`: a request carrying it was started and its outcome is not recorded yet;
 * - `accepted`: CleverTap accepted it (the only status that enters the dedup history);
 * - `dead_letter`: CleverTap refused it for good, or its retries ran out (`code`, `reason`);
 * - `held`: it was in flight when a delivery died and `in_flight_policy: hold` keeps it for review.
 */
export const LEDGER_STATUSES = ['pending', 'in_flight', 'accepted', 'dead_letter', 'held'] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

/** One row of the ledger, keyed by (campaign_date, account_id). */
export interface LedgerRecord {
  account_id: number;
  profile_id: number;
  show_id: number;
  scenario: string;
  crm_id: string;
  status: LedgerStatus;
  /** Requests that carried this record, over every delivery of its date. */
  attempts: number;
  /** CleverTap's per-record code, or the HTTP status, of the last refusal; null when none. */
  code: number | null;
  reason: string | null;
}

/** What the engine knows about a record before it is sent. */
export type RecordInfo = Pick<LedgerRecord, 'account_id' | 'profile_id' | 'show_id' | 'scenario' | 'crm_id'>;

/** One ledger row with its date, as listed by `dead-letters` and read back by tools. */
export interface DatedLedgerRecord extends LedgerRecord {
  campaign_date: string;
}

/** The dedup history row the engine merges with the dataset's `sends` table (SPEC §5). */
export interface AcceptedSend {
  send_date: string;
  account_id: number;
  profile_id: number;
  show_id: number;
  scenario: string;
}
