import type { InFlightPolicy } from '../config/config-types.js';
import type { JournalOp } from '../../io/ledger/journal-ops.js';
import type { LedgerTable } from '../../io/ledger/ledger-table.js';
import type { RecordInfo } from '../../io/ledger/ledger-types.js';
import { recordInfo } from './run-records.js';
import { isUnknownOutcomeReason, unknownOutcomeReason } from './unknown-outcome.js';
import type { SendRowsView } from './payload-check.js';

/**
 * What a delivery will do, decided from the ledger before anything is sent:
 * `before` resolves records a dead delivery left in flight and re-opens dead letters for
 * --retry-dead-letters; `register` then adds the run's new records and refreshes pending ones whose
 * details changed (a re-run of the engine); `toSend` lists the run indices that are then pending.
 */
export interface DeliveryPlan {
  before: JournalOp[];
  register: RecordInfo[];
  toSend: number[];
  alreadyAccepted: number;
  resent: number;
  held: number;
  retriedDeadLetters: number;
  /** Re-sent records that CleverTap may already have (in flight, held, or dead after an unknown outcome). */
  possibleDuplicates: number;
}

/**
 * In-flight records are those a request carried when the previous delivery died, so CleverTap may
 * or may not have them. `resend` sends them again: nothing is lost, at the price of a possible
 * duplicate event (the Upload API has no idempotency key; at most concurrency × batch_size records
 * are exposed). `hold` marks them `held`: never duplicated, but not delivered until someone checks
 * and runs --retry-dead-letters. Records of the date that are not in this run keep their status.
 */
export function planDelivery(table: LedgerTable, run: SendRowsView, policy: InFlightPolicy, retryDeadLetters: boolean): DeliveryPlan {
  const inFlight: number[] = [];
  for (let row = 0; row < table.size; row++) if (table.status(row) === 'in_flight') inFlight.push(table.accountIds[row]!);
  const register: RecordInfo[] = [];
  const reopen: number[] = [];
  const toSend: number[] = [];
  let alreadyAccepted = 0;
  let resent = 0;
  let reopenedUnknown = 0;
  for (let i = 0; i < run.count; i++) {
    const row = table.rowOf(run.accountIds[i]!);
    const status = row < 0 ? undefined : table.status(row);
    if (status === undefined || status === 'pending' || (status === 'in_flight' && policy === 'resend')) {
      if (status === 'in_flight') resent++;
      if (row < 0 || differs(table, row, run, i)) register.push(recordInfo(run, i));
      toSend.push(i);
    } else if (status === 'accepted') {
      alreadyAccepted++;
    } else if (retryDeadLetters) {
      // dead_letter, held, or in flight and about to be held: re-opened on request.
      reopen.push(run.accountIds[i]!);
      if (status !== 'dead_letter' || isUnknownOutcomeReason(table.reasons[row] ?? null)) reopenedUnknown++;
      if (differs(table, row, run, i)) register.push(recordInfo(run, i));
      toSend.push(i);
    }
  }
  const before: JournalOp[] = [];
  if (inFlight.length > 0) before.push(policy === 'resend' ? { op: 'release', ids: inFlight } : { op: 'hold', ids: inFlight, reason: unknownOutcomeReason('in flight when a delivery was interrupted') });
  if (reopen.length > 0) before.push({ op: 'release', ids: reopen });
  return {
    before,
    register,
    toSend,
    alreadyAccepted,
    resent,
    held: policy === 'hold' ? inFlight.length : 0,
    retriedDeadLetters: reopen.length,
    possibleDuplicates: resent + reopenedUnknown,
  };
}

function differs(table: LedgerTable, row: number, run: SendRowsView, i: number): boolean {
  return table.profileIds[row] !== run.profileIds[i] || table.showIds[row] !== run.showIds[i] || table.scenarios[row] !== run.scenarios[i] || table.crmIds[row] !== run.crmIds[i];
}
