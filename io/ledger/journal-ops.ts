import type { LedgerTable } from './ledger-table.js';
import type { RecordInfo } from './ledger-types.js';

/** A register row: account_id, profile_id, show_id, scenario, crm_id. */
export type RegisterRow = [number, number, number, string, string];

/**
 * One journal line. Replaying the journals of a date over its snapshot, in order, rebuilds the
 * ledger exactly; operations are not idempotent (`send` counts an attempt), which is why journals
 * are numbered and a snapshot names the first journal it does not contain.
 */
export type JournalOp =
  /** New records become pending; a pending record's details are refreshed (a re-run changed them). */
  | { op: 'register'; rows: RegisterRow[] }
  /** Written and fsynced before the request leaves: these records may now be at CleverTap. */
  | { op: 'send'; ids: number[] }
  | { op: 'accept'; ids: number[] }
  /** Definitively not accepted (error response, or never sent): safe to send again. */
  | { op: 'release'; ids: number[] }
  /**
   * Kept for review, never re-sent automatically (`in_flight_policy: hold`): whether CleverTap has
   * them is unknown. `reason` says why (absent in journals written before it existed).
   */
  | { op: 'hold'; ids: number[]; reason?: string }
  | { op: 'dead'; ids: number[]; code: number | null; reason: string };

export function registerRow(info: RecordInfo): RegisterRow {
  return [info.account_id, info.profile_id, info.show_id, info.scenario, info.crm_id];
}

/** Applies `op` to `table`; returns the first id it does not know (a damaged journal), else null. */
export function applyOp(table: LedgerTable, op: JournalOp): number | null {
  if (op.op === 'register') {
    for (const [account_id, profile_id, show_id, scenario, crm_id] of op.rows) {
      const row = table.rowOf(account_id);
      if (row < 0) table.addNew({ account_id, profile_id, show_id, scenario, crm_id });
      else if (table.status(row) === 'pending') table.setInfo(row, { profile_id, show_id, scenario, crm_id });
    }
    return null;
  }
  for (const id of op.ids) {
    const row = table.rowOf(id);
    if (row < 0) return id;
    switch (op.op) {
      case 'send':
        table.setStatus(row, 'in_flight');
        table.attempts[row] = table.attempts[row]! + 1;
        break;
      case 'accept':
        table.setOutcome(row, 'accepted', null, null);
        break;
      case 'release':
        table.setStatus(row, 'pending');
        break;
      case 'hold':
        if (op.reason === undefined) table.setStatus(row, 'held');
        else table.setOutcome(row, 'held', null, op.reason);
        break;
      case 'dead':
        table.setOutcome(row, 'dead_letter', op.code, op.reason);
        break;
    }
  }
  return null;
}

const OPS: ReadonlySet<string> = new Set(['register', 'send', 'accept', 'release', 'hold', 'dead']);

/** Parses one journal line; null when it is not a well-formed operation. */
export function parseOp(line: string): JournalOp | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const op = value as { op?: unknown; ids?: unknown; rows?: unknown };
  if (typeof op.op !== 'string' || !OPS.has(op.op)) return null;
  if (op.op === 'register') return Array.isArray(op.rows) ? (value as JournalOp) : null;
  return Array.isArray(op.ids) ? (value as JournalOp) : null;
}
