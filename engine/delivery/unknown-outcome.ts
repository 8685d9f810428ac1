import type { UploadOutcome } from '../../io/clevertap/upload-client.js';

/**
 * Gateway answers that report a lost upstream answer (502 Bad Gateway, 504 Gateway Timeout): the
 * upload may have been processed behind the gateway. Every other status is CleverTap's own word.
 */
const GATEWAY_LOST_ANSWER: ReadonlySet<number> = new Set([502, 504]);

/** Marks a ledger reason whose record may or may not be at CleverTap (see isUnknownOutcomeReason). */
const UNKNOWN_MARK = 'outcome unknown';

/**
 * True when `outcome` says nothing about whether CleverTap processed the request: no answer (timeout,
 * connection lost, interrupted) after the whole request had left, or a gateway's lost-answer status.
 * Such records must not be sent again blindly: that is how duplicates happen.
 */
export function isUnknownOutcome(outcome: UploadOutcome): boolean {
  return outcome.kind === 'response' ? GATEWAY_LOST_ANSWER.has(outcome.status) : outcome.sent;
}

/** The ledger reason of records whose request had an unknown outcome: `what` happened, and that it is unknown. */
export function unknownOutcomeReason(what: string): string {
  return `${what}; ${UNKNOWN_MARK}: CleverTap may have accepted it`;
}

/** True for a reason written by unknownOutcomeReason (a re-send of such a record may duplicate it). */
export function isUnknownOutcomeReason(reason: string | null): boolean {
  return reason !== null && reason.includes(UNKNOWN_MARK);
}
