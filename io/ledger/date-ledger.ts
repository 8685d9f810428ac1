import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tryParseDay } from '../../kernels/day-number.js';
import { forEachLine, fsyncDir } from './durable-files.js';
import { applyOp, parseOp, registerRow } from './journal-ops.js';
import type { JournalOp } from './journal-ops.js';
import { JournalWriter } from './journal-writer.js';
import { removeStaleHistoryFiles, writeHistoryFile } from './history-file.js';
import { LedgerCorruptError, readSnapshot, writeSnapshot } from './ledger-snapshot.js';
import { LedgerTable } from './ledger-table.js';
import type { LedgerRecord, RecordInfo } from './ledger-types.js';

const SNAPSHOT = 'snapshot.tsv';
const JOURNAL = /^journal-(\d+)\.ndjson$/;
const REGISTER_ROWS_PER_LINE = 10_000;

function journalName(n: number): string {
  return `journal-${String(n).padStart(6, '0')}.ndjson`;
}

/** The snapshot of a date whose every operation is folded in (no journal beside it), or null. */
export async function compactedSnapshot(stateDir: string, date: string): Promise<string | null> {
  const dir = join(ledgerRoot(stateDir), date);
  const names = await readdir(dir);
  return names.includes(SNAPSHOT) && !names.some((n) => JOURNAL.test(n)) ? join(dir, SNAPSHOT) : null;
}

export function ledgerRoot(stateDir: string): string {
  return join(stateDir, 'ledger');
}

/** The campaign dates that have a ledger in `stateDir`, ascending. */
export async function ledgerDates(stateDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(ledgerRoot(stateDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => tryParseDay(n) !== null).sort();
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * The delivery ledger of one campaign date: `ledger/<D>/snapshot.tsv` (compacted state) plus
 * `journal-<n>.ndjson` (operations since, one JSON line each, fsynced before they count).
 *
 * Crash safety: a journal line is appended and fdatasync'ed before the action it announces
 * (`send` before the request leaves) or before the outcome it records is reported. Replay on
 * open folds the journals numbered ≥ the snapshot's `next_journal` over the snapshot, ignoring a
 * torn last line (a write cut by the crash; its action never started, or its outcome is unknown
 * and the records stay `in_flight`). Compaction writes a new snapshot (temp + fsync + rename)
 * naming the next journal number, then deletes the folded journals; a crash in between leaves
 * journals below `next_journal`, which open deletes without replaying.
 *
 * Writers must hold the state-dir lock; readers need not (see readAcceptedSends).
 */
export class DateLedger {
  readonly table = new LedgerTable();
  private hasSnapshot = false;
  private nextJournal = 0;
  private journalNo = 0;
  private journalExists = false;
  private journalValidBytes: number | null = null;
  private writer: Promise<JournalWriter> | null = null;

  private constructor(
    private readonly stateDir: string,
    readonly dir: string,
    readonly date: string,
    private readonly writable: boolean,
  ) {}

  /** Loads the ledger of `date`; an absent ledger is empty. `write` also tidies crash leftovers. */
  static async open(stateDir: string, date: string, mode: 'read' | 'write'): Promise<DateLedger> {
    const ledger = new DateLedger(stateDir, join(ledgerRoot(stateDir), date), date, mode === 'write');
    await ledger.load();
    return ledger;
  }

  private async load(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    if (names.includes(SNAPSHOT)) {
      const path = join(this.dir, SNAPSHOT);
      const header = await readSnapshot(path, this.table);
      if (header.campaign_date !== this.date) throw new LedgerCorruptError(path, 1, `snapshot is for ${header.campaign_date}, not ${this.date}`);
      this.hasSnapshot = true;
      this.nextJournal = header.next_journal;
    }
    const journals = names.flatMap((n) => {
      const m = JOURNAL.exec(n);
      return m === null ? [] : [Number(m[1])];
    });
    journals.sort((a, b) => a - b);
    const live = journals.filter((n) => n >= this.nextJournal);
    if (this.writable) {
      // Crash leftovers: journals already folded into the snapshot, and unfinished temp files.
      const stale = [...journals.filter((n) => n < this.nextJournal).map(journalName), ...names.filter((n) => n.startsWith('.') && n.endsWith('.tmp'))];
      for (const name of stale) await rm(join(this.dir, name), { force: true });
      if (stale.length > 0) await fsyncDir(this.dir);
    }
    this.journalNo = this.nextJournal;
    for (const [i, n] of live.entries()) {
      if (n !== this.nextJournal + i) throw new LedgerCorruptError(join(this.dir, journalName(this.nextJournal + i)), 0, 'journal missing from the sequence');
      await this.replay(n, i === live.length - 1);
      this.journalNo = n;
      this.journalExists = true;
    }
  }

  private async replay(n: number, isLast: boolean): Promise<void> {
    const path = join(this.dir, journalName(n));
    let validBytes = 0;
    let torn: number | null = null;
    await forEachLine(path, (line, lineNo, complete) => {
      if (torn !== null) throw new LedgerCorruptError(path, torn, 'unreadable line before the end of the journal');
      const op = complete ? parseOp(line) : null;
      if (op === null) {
        // Only the very end of the newest journal may be cut short by a crash mid-write.
        if (!isLast) throw new LedgerCorruptError(path, lineNo, 'unreadable journal line');
        torn = lineNo;
        return;
      }
      const unknown = applyOp(this.table, op);
      if (unknown !== null) throw new LedgerCorruptError(path, lineNo, `account_id ${unknown} was never registered`);
      validBytes += Buffer.byteLength(line) + 1;
    });
    if (torn !== null) this.journalValidBytes = validBytes;
  }

  /** Applies operations in memory and resolves once their journal line is on disk. */
  async write(ops: readonly JournalOp[]): Promise<void> {
    if (!this.writable) throw new Error(`ledger ${this.dir} was opened read-only`);
    if (ops.length === 0) return;
    let text = '';
    for (const op of ops) {
      const unknown = applyOp(this.table, op);
      if (unknown !== null) throw new Error(`ledger ${this.date}: ${op.op} of unregistered account_id ${unknown}`);
      text += `${JSON.stringify(op)}\n`;
    }
    const writer = await (this.writer ??= this.openWriter());
    await writer.append(text);
  }

  private async openWriter(): Promise<JournalWriter> {
    await mkdir(this.dir, { recursive: true });
    const writer = await JournalWriter.open(join(this.dir, journalName(this.journalNo)), this.journalValidBytes);
    this.journalValidBytes = null;
    this.journalExists = true;
    return writer;
  }

  /**
   * Adds records (new ones pending; pending ones refreshed); each account at most once per call.
   * A date's first registration is written straight as a snapshot: one sequential file instead
   * of millions of journal rows.
   */
  async register(infos: readonly RecordInfo[]): Promise<void> {
    if (infos.length === 0) return;
    if (!this.hasSnapshot && !this.journalExists) {
      for (const info of infos) this.table.addNew(info);
      await this.compact();
      return;
    }
    const ops: JournalOp[] = [];
    for (let i = 0; i < infos.length; i += REGISTER_ROWS_PER_LINE) {
      ops.push({ op: 'register', rows: infos.slice(i, i + REGISTER_ROWS_PER_LINE).map(registerRow) });
    }
    await this.write(ops);
  }

  /** The record of `accountId`, or undefined. */
  get(accountId: number): LedgerRecord | undefined {
    const row = this.table.rowOf(accountId);
    return row < 0 ? undefined : this.table.get(row);
  }

  /**
   * Folds everything into a new snapshot and removes the journals; `drop` removes the rows it
   * selects (a purge). Returns how many rows were dropped. `afterHistoryFile` runs once the
   * columnar copy is durable and before the snapshot naming it is written (a crash test's pause).
   */
  async compact(drop?: (row: number) => boolean, afterHistoryFile?: () => Promise<void>): Promise<number> {
    if (!this.writable) throw new Error(`ledger ${this.dir} was opened read-only`);
    if (this.writer !== null) {
      await (await this.writer).close();
      this.writer = null;
    }
    const dropped = drop === undefined ? 0 : this.table.removeWhere(drop);
    const next = this.journalExists ? this.journalNo + 1 : this.nextJournal;
    await mkdir(this.dir, { recursive: true });
    const rows = this.table.sortedRows();
    // The columnar copy first: the snapshot that names it is only renamed into place after it.
    const history = await writeHistoryFile(this.stateDir, this.date, this.table, rows);
    await afterHistoryFile?.();
    await writeSnapshot(join(this.dir, SNAPSHOT), this.date, next, this.table, rows, history);
    for (let n = this.nextJournal; n < next; n++) await rm(join(this.dir, journalName(n)), { force: true });
    await fsyncDir(this.dir);
    await removeStaleHistoryFiles(this.stateDir, this.date, history.file);
    this.hasSnapshot = true;
    this.nextJournal = next;
    this.journalNo = next;
    this.journalExists = false;
    this.journalValidBytes = null;
    return dropped;
  }

  /** Makes every write durable and releases the journal file. */
  async close(): Promise<void> {
    if (this.writer !== null) {
      const writer = await this.writer;
      this.writer = null;
      await writer.close();
    }
  }
}
