import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeParquet } from '../parquet/index.js';
import type { ParquetField } from '../parquet/index.js';
import { fsyncDir } from './durable-files.js';
import type { LedgerTable } from './ledger-table.js';

/**
 * The columnar copy of one date's compacted ledger: `<state>/history/<date>-<digest16>.parquet`,
 * one row per record in account_id order with the columns the engine reads every night:
 *
 *   account_id int64, profile_id int64, show_id int64, scenario string, accepted bool
 *
 * The snapshot (`ledger/<date>/snapshot.tsv`) stays the ledger's source of truth; this file is
 * derived from it at every compaction, written before the snapshot that names it, so a snapshot
 * never names a file that is not complete on disk. The engine scans it with DuckDB instead of
 * parsing the snapshot, and tests every row's ids against the tombstones in the same scan.
 *
 * `digest` is a SHA-256 of the date's accepted sends (account, profile, show, scenario, in account
 * order): the run id takes it from the snapshot header instead of hashing rows at run time.
 */
export interface HistoryFileRef {
  /** File name inside `<state>/history/`. */
  file: string;
  /** Hex SHA-256 of the accepted sends of the date (see acceptedDigest). */
  digest: string;
  /** Accepted records in the file. */
  accepted: number;
  /**
   * The distinct scenario names of the accepted records, sorted: the engine's scenario dictionary
   * without a scan of the file. Absent in headers written before it existed.
   */
  scenarios?: string[];
}

export const HISTORY_FIELDS: ParquetField[] = [
  { name: 'account_id', type: 'int64', nullable: false },
  { name: 'profile_id', type: 'int64', nullable: false },
  { name: 'show_id', type: 'int64', nullable: false },
  { name: 'scenario', type: 'string', nullable: false },
  { name: 'accepted', type: 'bool', nullable: false },
];

export function historyRoot(stateDir: string): string {
  return join(stateDir, 'history');
}

/**
 * Digest of a date's accepted sends given as columns in account_id order. The same function serves
 * compaction (written into the snapshot header) and the rare uncompacted date read from its
 * journals, so the run id does not depend on which path read the history.
 */
export function acceptedDigest(accountIds: Float64Array, profileIds: Float64Array, showIds: Float64Array, scenarios: readonly string[]): string {
  const hash = createHash('sha256');
  for (const column of [accountIds, profileIds, showIds]) hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  hash.update(scenarios.join('\n'));
  return hash.digest('hex');
}

/**
 * Writes the columnar copy of `table` for `date` (durably: temp file, fsync, rename, fsync of the
 * directory) and returns its reference for the snapshot header.
 */
export async function writeHistoryFile(stateDir: string, date: string, table: LedgerTable, rows: Uint32Array): Promise<HistoryFileRef> {
  const n = rows.length;
  const account = new Float64Array(n);
  const profile = new Float64Array(n);
  const show = new Float64Array(n);
  const scenario = new Array<string>(n);
  const accepted = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    account[i] = table.accountIds[r]!;
    profile[i] = table.profileIds[r]!;
    show[i] = table.showIds[r]!;
    scenario[i] = table.scenarios[r]!;
    if (table.status(r) === 'accepted') {
      accepted[i] = 1;
      count++;
    }
  }
  const acc = { account: new Float64Array(count), profile: new Float64Array(count), show: new Float64Array(count), scenario: new Array<string>(count) };
  for (let i = 0, k = 0; i < n; i++) {
    if (accepted[i] === 0) continue;
    acc.account[k] = account[i]!;
    acc.profile[k] = profile[i]!;
    acc.show[k] = show[i]!;
    acc.scenario[k] = scenario[i]!;
    k++;
  }
  const digest = acceptedDigest(acc.account, acc.profile, acc.show, acc.scenario);
  const dir = historyRoot(stateDir);
  await mkdir(dir, { recursive: true });
  const file = `${date}-${digest.slice(0, 16)}.parquet`;
  const temp = join(dir, `.${file}.${process.pid}.tmp`);
  await writeParquet(temp, HISTORY_FIELDS, [{ values: account }, { values: profile }, { values: show }, { values: scenario }, { values: accepted }], n);
  const handle = await open(temp, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, join(dir, file));
  await fsyncDir(dir);
  return { file, digest, accepted: count, scenarios: [...new Set(acc.scenario)].sort() };
}

/** Removes the date's history files other than `keep` (superseded by a newer compaction). */
export async function removeStaleHistoryFiles(stateDir: string, date: string, keep: string): Promise<void> {
  const dir = historyRoot(stateDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((n) => n !== keep && (n.startsWith(`${date}-`) || (n.startsWith(`.${date}-`) && n.endsWith('.tmp'))));
  for (const name of stale) await rm(join(dir, name), { force: true });
}
