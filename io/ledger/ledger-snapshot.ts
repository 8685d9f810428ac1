import { open } from 'node:fs/promises';
import { CampaignError } from '../errors.js';
import { forEachLineBytes, writeFileAtomic } from './durable-files.js';
import type { HistoryFileRef } from './history-file.js';
import type { LedgerTable } from './ledger-table.js';
import { LEDGER_STATUSES } from './ledger-types.js';
import type { LedgerStatus } from './ledger-types.js';

export const SNAPSHOT_FORMAT = 'campaign-delivery-ledger';
const SNAPSHOT_VERSION = 1;

/**
 * The compacted state of one date: a JSON header line, then one tab-separated row per record,
 * sorted by account_id:
 *
 *   account_id  profile_id  show_id  scenario  crm_id  status  attempts  code  reason
 *
 * Tab-separated rather than JSON because a day holds millions of rows and the engine reads every
 * day of the dedup window on every run. Strings escape `\`, tab, CR and LF; `\N` is null.
 */
export interface SnapshotHeader {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  campaign_date: string;
  /** Journals numbered below this are already folded into the snapshot. */
  next_journal: number;
  records: number;
  /** The columnar copy of this state (history-file.ts); absent in snapshots written before it existed. */
  history?: HistoryFileRef;
}

const NULL = '\\N';
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };
const TAB = 9;
const BACKSLASH = 92;

function escapeField(value: string | null): string {
  if (value === null) return NULL;
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : value;
}

function* snapshotChunks(header: SnapshotHeader, table: LedgerTable, rows: Uint32Array): Generator<string> {
  yield `${JSON.stringify(header)}\n`;
  const rowsPerChunk = 20_000;
  for (let i = 0; i < rows.length; i += rowsPerChunk) {
    let chunk = '';
    const end = Math.min(rows.length, i + rowsPerChunk);
    for (let j = i; j < end; j++) {
      const r = rows[j]!;
      const code = table.codes[r]!;
      chunk += `${table.accountIds[r]}\t${table.profileIds[r]}\t${table.showIds[r]}\t${escapeField(table.scenarios[r]!)}\t${escapeField(table.crmIds[r]!)}\t${table.status(r)}\t${table.attempts[r]}\t${Number.isNaN(code) ? NULL : code}\t${escapeField(table.reasons[r] ?? null)}\n`;
    }
    yield chunk;
  }
}

/** Writes every row of `table`, ordered by account_id, as the date's snapshot (atomically). */
export async function writeSnapshot(path: string, campaignDate: string, nextJournal: number, table: LedgerTable, rows: Uint32Array, history: HistoryFileRef): Promise<void> {
  const header: SnapshotHeader = { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, campaign_date: campaignDate, next_journal: nextJournal, records: rows.length, history };
  await writeFileAtomic(path, snapshotChunks(header, table, rows));
}

/** The ledger files are ours; damage to them is reported with the file and line, never guessed around. */
export class LedgerCorruptError extends CampaignError {
  constructor(file: string, line: number, problem: string) {
    super('LEDGER_CORRUPT', `${file}: line ${line}: ${problem} (the delivery ledger is damaged; restore it from backup or move it aside)`);
  }
}

const STATUS_BY_NAME = new Map<string, LedgerStatus>(LEDGER_STATUSES.map((s) => [s, s]));

/** A decimal integer field (optionally negative), or NaN. Parsed from bytes: no string per field. */
function intField(buf: Buffer, start: number, end: number): number {
  let i = start;
  const negative = buf[i] === 45;
  if (negative) i++;
  if (i >= end) return NaN;
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

function stringField(buf: Buffer, start: number, end: number): string | null {
  const text = buf.toString('utf8', start, end);
  if (text === NULL) return null;
  const slash = buf.indexOf(BACKSLASH, start);
  return slash === -1 || slash >= end ? text : text.replace(/\\(.)/g, (_, c: string) => UNESCAPES[c] ?? c);
}

/** Reads a snapshot into `table` (which must be empty); returns its header. */
export async function readSnapshot(path: string, table: LedgerTable): Promise<SnapshotHeader> {
  let header: SnapshotHeader | null = null;
  const tabs = new Int32Array(10);
  let previous = -Infinity;
  await forEachLineBytes(path, (buf, start, end, lineNo, complete) => {
    // Snapshots are renamed into place only once fsynced, so even the last line must be whole.
    if (!complete) throw new LedgerCorruptError(path, lineNo, 'truncated (no final newline)');
    if (header === null) {
      header = parseHeader(buf.toString('utf8', start, end), path);
      return;
    }
    let fields = 0;
    tabs[0] = start - 1;
    for (let i = buf.indexOf(TAB, start); i !== -1 && i < end && fields < 9; i = buf.indexOf(TAB, i + 1)) tabs[++fields] = i;
    if (fields !== 8) throw new LedgerCorruptError(path, lineNo, `expected 9 tab-separated fields, got ${fields + 1}`);
    tabs[9] = end;
    const field = (k: number): [number, number] => [tabs[k]! + 1, tabs[k + 1]!];
    const num = (k: number, what: string, nullable = false): number | null => {
      const [s, e] = field(k);
      if (nullable && e - s === 2 && buf[s] === BACKSLASH && buf[s + 1] === 78) return null;
      const n = intField(buf, s, e);
      if (Number.isNaN(n)) throw new LedgerCorruptError(path, lineNo, `${what} is not an integer`);
      return n;
    };
    const str = (k: number): string | null => stringField(buf, ...field(k));
    const status = STATUS_BY_NAME.get(buf.toString('latin1', ...field(5)));
    if (status === undefined) throw new LedgerCorruptError(path, lineNo, `unknown status '${buf.toString('utf8', ...field(5))}'`);
    const accountId = num(0, 'account_id')!;
    // Rows are written in account_id order, so a repeat or a step back is damage.
    if (accountId <= previous) throw new LedgerCorruptError(path, lineNo, `account_id ${accountId} out of order or repeated`);
    previous = accountId;
    table.add({
      account_id: accountId,
      profile_id: num(1, 'profile_id')!,
      show_id: num(2, 'show_id')!,
      scenario: str(3) ?? '',
      crm_id: str(4) ?? '',
      status,
      attempts: num(6, 'attempts')!,
      code: num(7, 'code', true),
      reason: str(8),
    });
  });
  if (header === null) throw new LedgerCorruptError(path, 1, 'empty snapshot');
  const h: SnapshotHeader = header;
  if (h.records !== table.size) throw new LedgerCorruptError(path, table.size + 2, `header promises ${h.records} records, found ${table.size}`);
  return h;
}

/**
 * Calls `onAccepted` for each accepted row of a snapshot, decoding nothing else: the dedup
 * history is read for every day of the window on every engine run, so it skips what it does not
 * need (crm_id, reasons, other statuses).
 */
export async function scanAcceptedRows(path: string, onAccepted: (accountId: number, profileId: number, showId: number, scenario: string) => void): Promise<void> {
  let header: SnapshotHeader | null = null;
  let rows = 0;
  const tabs = new Int32Array(6);
  const scenarios = new Map<string, string>();
  await forEachLineBytes(path, (buf, start, end, lineNo, complete) => {
    if (!complete) throw new LedgerCorruptError(path, lineNo, 'truncated (no final newline)');
    if (header === null) {
      header = parseHeader(buf.toString('utf8', start, end), path);
      return;
    }
    rows++;
    let fields = 0;
    tabs[0] = start - 1;
    for (let i = buf.indexOf(TAB, start); i !== -1 && i < end && fields < 5; i = buf.indexOf(TAB, i + 1)) tabs[++fields] = i;
    if (fields < 5) throw new LedgerCorruptError(path, lineNo, `expected 9 tab-separated fields, got ${fields + 1}`);
    // "accepted" is the only status starting with 'a'.
    if (buf[tabs[5]! + 1] !== 97) return;
    const num = (k: number, what: string): number => {
      const n = intField(buf, tabs[k]! + 1, tabs[k + 1]!);
      if (Number.isNaN(n)) throw new LedgerCorruptError(path, lineNo, `${what} is not an integer`);
      return n;
    };
    const raw = stringField(buf, tabs[3]! + 1, tabs[4]!) ?? '';
    const scenario = scenarios.get(raw) ?? scenarios.set(raw, raw).get(raw)!;
    onAccepted(num(0, 'account_id'), num(1, 'profile_id'), num(2, 'show_id'), scenario);
  });
  if (header === null) throw new LedgerCorruptError(path, 1, 'empty snapshot');
  const h: SnapshotHeader = header;
  if (h.records !== rows) throw new LedgerCorruptError(path, rows + 2, `header promises ${h.records} records, found ${rows}`);
}

/** The header of a snapshot, reading only its first line. */
export async function readSnapshotHeader(path: string): Promise<SnapshotHeader> {
  const handle = await open(path, 'r');
  try {
    let buf = Buffer.alloc(4096);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
      const newline = buf.indexOf(10, length);
      length += bytesRead;
      if (newline >= 0 && newline < length) return parseHeader(buf.toString('utf8', 0, newline), path);
      if (bytesRead === 0) throw new LedgerCorruptError(path, 1, length === 0 ? 'empty snapshot' : 'truncated (no final newline)');
      if (length === buf.length) buf = Buffer.concat([buf, Buffer.alloc(buf.length)]);
    }
  } finally {
    await handle.close();
  }
}

function parseHeader(line: string, path: string): SnapshotHeader {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new LedgerCorruptError(path, 1, 'header is not JSON');
  }
  const h = value as Partial<SnapshotHeader>;
  if (h.format !== SNAPSHOT_FORMAT || h.version !== SNAPSHOT_VERSION) throw new LedgerCorruptError(path, 1, `not a version ${SNAPSHOT_VERSION} ledger snapshot`);
  if (typeof h.campaign_date !== 'string' || !Number.isInteger(h.next_journal) || !Number.isInteger(h.records)) throw new LedgerCorruptError(path, 1, 'incomplete header');
  return h as SnapshotHeader;
}
