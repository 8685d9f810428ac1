import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { dayToUnixSeconds, parseDay } from '../dates.js';
import { DeliveryError } from '../errors.js';
import { writeFileAtomic } from '../../io/ledger/durable-files.js';
import type { RecordInfo } from '../../io/ledger/ledger-types.js';
import type { SendRowsView } from './payload-check.js';
import { PayloadLines } from '../../io/clevertap/payload-file.js';
import { validatePayloads } from './validate-payloads.js';

export const PAYLOADS_FILE = 'payloads.ndjson';
export const SELECTION_FILE = 'selection.parquet';
export const MANIFEST_FILE = 'manifest.json';

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

export async function readRunManifest(runDir: string): Promise<Record<string, unknown>> {
  const path = join(runDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DeliveryError(`${path}: cannot read the run manifest (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); is ${runDir} the output of a run?`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new DeliveryError(`${path}: not a JSON object`);
}

/** Sets the manifest's `delivery` key, atomically (temp file + rename): the manifest is never half-written. */
export async function mergeDeliveryIntoManifest(runDir: string, delivery: unknown): Promise<void> {
  const manifest = await readRunManifest(runDir);
  manifest['delivery'] = delivery;
  await writeFileAtomic(join(runDir, MANIFEST_FILE), [`${JSON.stringify(manifest, null, 2)}\n`]);
}

async function readSendRows(path: string): Promise<SendRowsView> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const ids: number[][] = [[], [], []];
  const crmIds: (string | null)[] = [];
  const scenarios: (string | null)[] = [];
  const interned = new Map<string, string>();
  try {
    // A plain filtered scan keeps the file's row order, which is what pairs rows with payload lines.
    const result = await connection.run(
      `SELECT account_id::DOUBLE, profile_id::DOUBLE, show_id::DOUBLE, crm_id::VARCHAR, scenario::VARCHAR FROM read_parquet($path) WHERE status = 'send'`,
      { path },
    );
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      for (let c = 0; c < 3; c++) ids[c]!.push(...(chunk.getColumnValues(c) as number[]));
      crmIds.push(...(chunk.getColumnValues(3) as (string | null)[]));
      // A handful of scenario names over millions of rows: keep one string per name.
      for (const name of chunk.getColumnValues(4) as (string | null)[]) scenarios.push(name === null ? null : (interned.get(name) ?? interned.set(name, name).get(name)!));
    }
  } catch (err) {
    throw new DeliveryError(`${path}: cannot read the selection: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const [accounts, profiles, shows] = ids as [number[], number[], number[]];
  for (let i = 0; i < accounts.length; i++) {
    const row = `${path}: send row ${i + 1} (account_id ${accounts[i]})`;
    if (accounts[i] === null || profiles[i] === null) throw new DeliveryError(`${row}: null account_id or profile_id`);
    if (crmIds[i] === null || crmIds[i] === '') throw new DeliveryError(`${row}: no crm_id`);
    if (shows[i] === null || scenarios[i] === null) throw new DeliveryError(`${row}: a send row without show_id or scenario`);
    if (i > 0 && accounts[i]! <= accounts[i - 1]!) throw new DeliveryError(`${row}: not sorted by account_id (or a duplicate account)`);
  }
  return { count: accounts.length, accountIds: Float64Array.from(accounts), profileIds: Float64Array.from(profiles), showIds: Float64Array.from(shows), crmIds: crmIds as string[], scenarios: scenarios as string[] };
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
    throw new DeliveryError(`${payloadPath}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  });
  // DuckDB decodes the selection on its own thread meanwhile; a selection problem is reported first.
  const [selection, lines] = await Promise.allSettled([readSendRows(selectionPath), readPayloads]);
  if (selection.status === 'rejected') throw selection.reason;
  if (lines.status === 'rejected') throw lines.reason;
  const rows = selection.value;
  const payloads = lines.value;
  const problem = await validatePayloads(payloads, rows, { date, ts: dayToUnixSeconds(parseDay(date, 'campaign date')), eventName });
  if (problem !== null) throw new DeliveryError(`${payloadPath}: line ${problem.line}: ${problem.message}; nothing was sent`);
  if (payloads.count < rows.count) {
    throw new DeliveryError(`${payloadPath}: ${payloads.count} lines but ${selectionPath} has ${rows.count} send rows (line ${payloads.count + 1} missing); nothing was sent`);
  }
  return { ...rows, payloads };
}
