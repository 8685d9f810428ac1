import { LEDGER_STATUSES } from './ledger-types.js';
import type { LedgerRecord, LedgerStatus, RecordInfo } from './ledger-types.js';

const STATUS_CODE: Record<LedgerStatus, number> = { pending: 0, in_flight: 1, accepted: 2, dead_letter: 3, held: 4 };

/**
 * The records of one date's ledger, column by column. A day holds millions of records; as objects
 * they would be millions of long-lived heap objects for the garbage collector to trace on every
 * major collection, as columns they are a handful of typed arrays. Rows are addressed by index;
 * `rowOf` maps an account_id to its row: by binary search while rows are in account order (the
 * usual case: the engine writes records sorted), through a hash index built only when they are not.
 */
export class LedgerTable {
  private sorted = true;
  private index: Map<number, number> | null = null;
  private capacity = 0;
  size = 0;
  accountIds = new Float64Array(0);
  profileIds = new Float64Array(0);
  showIds = new Float64Array(0);
  /** CleverTap code or HTTP status of the last refusal; NaN = none. */
  codes = new Float64Array(0);
  attempts = new Uint32Array(0);
  private statuses = new Uint8Array(0);
  scenarios: string[] = [];
  crmIds: string[] = [];
  reasons: (string | null)[] = [];
  private readonly interned = new Map<string, string>();

  /** The row found last: lookups mostly walk the table in order, so row + 1 is tried first. */
  private lastRow = -1;

  /** Row of `accountId`, or -1. */
  rowOf(accountId: number): number {
    const next = this.lastRow + 1;
    if (next < this.size && this.accountIds[next] === accountId) return (this.lastRow = next);
    const row = this.sorted ? this.search(accountId) : (this.indexed().get(accountId) ?? -1);
    if (row >= 0) this.lastRow = row;
    return row;
  }

  private search(accountId: number): number {
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.accountIds[mid]!;
      if (v === accountId) return mid;
      if (v < accountId) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private indexed(): Map<number, number> {
    if (this.index === null) {
      this.index = new Map();
      for (let r = 0; r < this.size; r++) this.index.set(this.accountIds[r]!, r);
    }
    return this.index;
  }

  status(row: number): LedgerStatus {
    return LEDGER_STATUSES[this.statuses[row]!]!;
  }

  setStatus(row: number, status: LedgerStatus): void {
    this.statuses[row] = STATUS_CODE[status];
  }

  /** Scenario names repeat endlessly: one string per distinct name. */
  private intern(text: string): string {
    let s = this.interned.get(text);
    if (s === undefined) {
      s = text;
      this.interned.set(text, s);
    }
    return s;
  }

  private grow(): void {
    this.capacity = Math.max(1024, this.capacity * 2);
    const widen = <T extends Float64Array | Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.capacity);
      b.set(a);
      return b;
    };
    this.accountIds = widen(this.accountIds, (n) => new Float64Array(n));
    this.profileIds = widen(this.profileIds, (n) => new Float64Array(n));
    this.showIds = widen(this.showIds, (n) => new Float64Array(n));
    this.codes = widen(this.codes, (n) => new Float64Array(n));
    this.attempts = widen(this.attempts, (n) => new Uint32Array(n));
    this.statuses = widen(this.statuses, (n) => new Uint8Array(n));
  }

  /** Appends a row (the account must not be in the table yet) and returns it. */
  add(record: LedgerRecord): number {
    const row = this.addNew(record);
    this.setOutcome(row, record.status, record.code, record.reason);
    this.attempts[row] = record.attempts;
    return row;
  }

  /** Appends a new pending record, never attempted, and returns its row; the account must be new. */
  addNew(info: RecordInfo): number {
    if (this.size === this.capacity) this.grow();
    const row = this.size++;
    if (row > 0 && info.account_id <= this.accountIds[row - 1]!) this.sorted = false;
    this.index?.set(info.account_id, row);
    this.accountIds[row] = info.account_id;
    this.setInfo(row, info);
    this.statuses[row] = STATUS_CODE.pending;
    this.attempts[row] = 0;
    this.codes[row] = NaN;
    this.reasons[row] = null;
    return row;
  }

  setInfo(row: number, info: Omit<RecordInfo, 'account_id'>): void {
    this.profileIds[row] = info.profile_id;
    this.showIds[row] = info.show_id;
    this.scenarios[row] = this.intern(info.scenario);
    this.crmIds[row] = info.crm_id;
  }

  setOutcome(row: number, status: LedgerStatus, code: number | null, reason: string | null): void {
    this.statuses[row] = STATUS_CODE[status];
    this.codes[row] = code ?? NaN;
    this.reasons[row] = reason;
  }

  /** Row `row` as an object, for the few callers that want one. */
  get(row: number): LedgerRecord {
    const code = this.codes[row]!;
    return {
      account_id: this.accountIds[row]!,
      profile_id: this.profileIds[row]!,
      show_id: this.showIds[row]!,
      scenario: this.scenarios[row]!,
      crm_id: this.crmIds[row]!,
      status: this.status(row),
      attempts: this.attempts[row]!,
      code: Number.isNaN(code) ? null : code,
      reason: this.reasons[row] ?? null,
    };
  }

  /** Row indices ordered by account_id (rows are usually registered in that order already). */
  sortedRows(): Uint32Array {
    const rows = new Uint32Array(this.size);
    let sorted = true;
    for (let r = 0; r < this.size; r++) {
      rows[r] = r;
      if (r > 0 && this.accountIds[r]! < this.accountIds[r - 1]!) sorted = false;
    }
    return sorted ? rows : rows.sort((a, b) => this.accountIds[a]! - this.accountIds[b]!);
  }

  /** The rows whose status is one of `statuses`, ordered by account_id, as objects. */
  select(statuses: readonly LedgerStatus[]): LedgerRecord[] {
    const wanted = new Set(statuses.map((s) => STATUS_CODE[s]));
    const out: LedgerRecord[] = [];
    for (const row of this.sortedRows()) if (wanted.has(this.statuses[row]!)) out.push(this.get(row));
    return out;
  }

  countByStatus(): Record<LedgerStatus, number> {
    const counts = { pending: 0, in_flight: 0, accepted: 0, dead_letter: 0, held: 0 };
    for (let r = 0; r < this.size; r++) counts[LEDGER_STATUSES[this.statuses[r]!]!]++;
    return counts;
  }

  /** Drops every row `drop` selects, keeping the others in order; returns how many were dropped. */
  removeWhere(drop: (row: number) => boolean): number {
    let kept = 0;
    this.index = null;
    this.lastRow = -1;
    for (let r = 0; r < this.size; r++) {
      if (drop(r)) continue;
      if (kept !== r) {
        for (const column of [this.accountIds, this.profileIds, this.showIds, this.codes, this.attempts, this.statuses]) column[kept] = column[r]!;
        this.scenarios[kept] = this.scenarios[r]!;
        this.crmIds[kept] = this.crmIds[r]!;
        this.reasons[kept] = this.reasons[r] ?? null;
      }
      kept++;
    }
    const dropped = this.size - kept;
    this.size = kept;
    for (const list of [this.scenarios, this.crmIds, this.reasons]) list.length = kept;
    return dropped;
  }
}
