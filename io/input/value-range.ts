import { InputError } from '../errors.js';
import type { DuckDBSession } from './duckdb-session.js';
import type { BoundColumn } from './read-table.js';
import { sourceFooters } from './footer-stats.js';
import { sourceSql } from './table-files.js';
import type { TableSource } from './table-files.js';

/** Ids are read as DOUBLE, exact up to 2^53 − 1 (SPEC §2: ids fit in 2^53); beyond, two ids could become one. */
const MAX_EXACT_ID = Number.MAX_SAFE_INTEGER;
/** INT64 epoch milliseconds of 0001-01-01 00:00 and 9999-12-31 23:59:59.999 UTC: the calendar a date can name. */
const MIN_EPOCH_MS = -62135596800000;
const MAX_EPOCH_MS = 253402300799999;

/** Parquet integer types that can hold a value outside those ranges. */
const WIDE_INTS = new Set(['BIGINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT']);

interface Range {
  min: number;
  max: number;
  problem: string;
}

function rangeOf(b: BoundColumn): Range | null {
  if (!WIDE_INTS.has(b.sourceType)) return null;
  if (b.column.type === 'int' && b.column.name.endsWith('_id')) {
    return { min: -MAX_EXACT_ID, max: MAX_EXACT_ID, problem: `ids must lie within ±(2^53−1) = ±${MAX_EXACT_ID} to be read exactly (SPEC §2)` };
  }
  if (b.column.type === 'timestamp') {
    return { min: MIN_EPOCH_MS, max: MAX_EPOCH_MS, problem: 'as INT64 epoch milliseconds that is outside the years 0001–9999' };
  }
  return null;
}

/**
 * Checks, over the whole source and before any value is cast, that every id column (`*_id`) holds
 * only integers a DOUBLE represents exactly, and that an INT64 `ts` is a plausible epoch-millisecond
 * instant. The first value outside is an InputError naming the column, the value, the row and the
 * file. Only 64-bit and wider integer columns are checked: by the footers' min and max when every
 * row group records them, else by a probe (which skips the row groups whose statistics are in range).
 */
export async function checkValueRanges(session: DuckDBSession, source: TableSource, bound: readonly BoundColumn[]): Promise<void> {
  const checks = bound.map((b) => ({ b, range: rangeOf(b) }));
  const footers = checks.some((c) => c.range !== null) ? await sourceFooters(session, source) : null;
  for (const { b, range } of checks) {
    if (range === null) continue;
    const footer = footers?.columns.get(b.column.name);
    // Statistics rounded to doubles: a value beyond the range stays beyond it (or lands on 2^53, beyond too).
    if (footer !== undefined && footer.complete && footer.min !== null && footer.max !== null && footer.min >= range.min && footer.max <= range.max) continue;
    const outside = `("${b.column.name}" < ${range.min} OR "${b.column.name}" > ${range.max})`;
    let found: unknown[][];
    try {
      found = await session.rows(`SELECT 1 FROM ${sourceSql(source)} WHERE ${outside} LIMIT 1`);
    } catch (err) {
      throw new InputError(source.label, `cannot read column '${b.column.name}': ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
    }
    if (found.length === 0) continue;
    const [file, row, value] = (
      await session.rows(
        `SELECT filename, file_row_number, CAST("${b.column.name}" AS VARCHAR) FROM ${sourceSql(source, true)} WHERE ${outside} ORDER BY filename, file_row_number LIMIT 1`,
      )
    )[0]!;
    const where = source.files.length > 1 ? ` in ${String(file)}` : '';
    throw new InputError(source.label, `column '${b.column.name}' has ${String(value)} at row ${String(row)} (0-based)${where}: ${range.problem}`);
  }
}
