import { join } from 'node:path';
import { dayToUnixSeconds, parseDay } from '../dates.js';
import { DeliveryError, deliveryInputError } from '../errors.js';
import type { RecordInfo } from '../../io/ledger/ledger-types.js';
import type { SendRowsView } from './payload-check.js';
import { PayloadLines } from '../../io/clevertap/payload-file.js';
import { DuckDBSession, sqlFilePath } from '../../io/input/duckdb-session.js';
import type { Chunk } from '../../io/input/duckdb-session.js';
import { PAYLOADS_FILE, SELECTION_FILE } from '../run-dir/run-layout.js';
import { validatePayloads } from './validate-payloads.js';

/**
 * The run's `send` records in payload order, column by column (a day can hold millions: no object
 * per record). Index i is the record of payload line i + 1.
 */
export interface RunRecords extends SendRowsView {
  payloads: PayloadLines;
}

export function recordInfo(run: SendRowsView, i: number): RecordInfo {
  return { account_id: run.accountIds[i]!, profile_id: run.profileIds[i]!, show_id: run.showIds[i]!, scenario: run.scenarios[i]!, crm_id: run.crmIds[i]! };
}

async function readSendRows(path: string): Promise<SendRowsView> {
  const session = await DuckDBSession.open(1);
  const ids: (number | null)[][] = [[], [], []];
  const crmIds: (string | null)[] = [];
  const scenarios: (string | null)[] = [];
  const interned = new Map<string, string>();
  try {
    // A plain filtered scan keeps the file's row order, which is what pairs rows with payload lines.
    await session.stream(
      `SELECT account_id::DOUBLE, profile_id::DOUBLE, show_id::DOUBLE, crm_id::VARCHAR, scenario::VARCHAR FROM read_parquet(${sqlFilePath(path)}) WHERE status = 'send'`,
      (chunk) => {
        for (let c = 0; c < 3; c++) pushIds(chunk, c, ids[c]!);
        crmIds.push(...chunk.str(3));
        // A handful of scenario names over millions of rows: keep one string per name.
        for (const name of chunk.str(4)) scenarios.push(name === null ? null : (interned.get(name) ?? interned.set(name, name).get(name)!));
      },
    );
  } catch (err) {
    throw deliveryInputError(`${path}: cannot read the selection: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    session.close();
  }
  const [accounts, profiles, shows] = ids as [(number | null)[], (number | null)[], (number | null)[]];
  for (let i = 0; i < accounts.length; i++) {
    const row = `${path}: send row ${i + 1} (account_id ${accounts[i]})`;
    if (accounts[i] === null || profiles[i] === null) throw deliveryInputError(`${row}: null account_id or profile_id`);
    if (crmIds[i] === null || crmIds[i] === '') throw deliveryInputError(`${row}: no crm_id`);
    if (shows[i] === null || scenarios[i] === null) throw deliveryInputError(`${row}: a send row without show_id or scenario`);
    if (i > 0 && accounts[i]! <= accounts[i - 1]!) throw deliveryInputError(`${row}: not sorted by account_id (or a duplicate account)`);
  }
  return {
    count: accounts.length,
    accountIds: Float64Array.from(accounts as number[]),
    profileIds: Float64Array.from(profiles as number[]),
    showIds: Float64Array.from(shows as number[]),
    crmIds: crmIds as string[],
    scenarios: scenarios as string[],
  };
}

/** Appends column `c` of the chunk, a null where the row has none. */
function pushIds(chunk: Chunk, c: number, out: (number | null)[]): void {
  const values = chunk.f64(c);
  const valid = chunk.validity(c);
  // valid bit i set = row i present
  for (let i = 0; i < chunk.size; i++) out.push(valid === null || (valid[i >> 3]! & (1 << (i & 7))) !== 0 ? values[i]! : null);
}

/**
 * Reads the run's `selection.parquet` send rows and `payloads.ndjson`, pairs them line by line
 * and checks every payload line is a well-formed event record of this date and event name that
 * agrees with its selection row. Any problem is an error naming the payload line, raised before
 * anything is sent.
 */
export async function loadRunRecords(runDir: string, date: string, eventName: string): Promise<RunRecords> {
  const selectionPath = join(runDir, SELECTION_FILE);
  const payloadPath = join(runDir, PAYLOADS_FILE);
  const readPayloads = PayloadLines.read(payloadPath).catch((err: unknown) => {
    if (err instanceof DeliveryError) throw err;
    throw deliveryInputError(`${payloadPath}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  });
  // DuckDB decodes the selection on its own thread meanwhile; a selection problem is reported first.
  const [selection, lines] = await Promise.allSettled([readSendRows(selectionPath), readPayloads]);
  if (selection.status === 'rejected') throw selection.reason;
  if (lines.status === 'rejected') throw lines.reason;
  const rows = selection.value;
  const payloads = lines.value;
  const problem = await validatePayloads(payloads, rows, { date, ts: dayToUnixSeconds(parseDay(date, 'campaign date')), eventName });
  if (problem !== null) throw deliveryInputError(`${payloadPath}: line ${problem.line}: ${problem.message}; nothing was sent`);
  if (payloads.count < rows.count) {
    throw deliveryInputError(`${payloadPath}: ${payloads.count} lines but ${selectionPath} has ${rows.count} send rows (line ${payloads.count + 1} missing); nothing was sent`);
  }
  return { ...rows, payloads };
}
