import { sqlString } from '../input/duckdb-session.js';
import type { DeltaColumn } from './table-schema.js';

/** A partition value its column's type does not admit; the caller names the table and data file. */
export class PartitionValueError extends Error {}

const INTEGER_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  byte: [-128n, 127n],
  short: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  long: [-9223372036854775808n, 9223372036854775807n],
};

/** Largest finite single-precision float. */
const FLOAT_MAX = 3.4028234663852886e38;

/**
 * The value one file holds in a partition column (protocol "Partition Value Serialization") as a
 * typed SQL literal; null and '' are NULL. Parsed strictly by the column's Delta type, as a writer
 * serialises it: integers in base 10 within the type's range; float and double as decimal or
 * exponent notation, NaN or ±Infinity; decimals within precision and scale; `true` or `false`;
 * dates `{year}-{month}-{day}`; timestamps `{year}-{month}-{day} {hour}:{minute}:{second}` with up
 * to 6 fraction digits (a `timestamp` also as ISO 8601 in UTC, `…T…Z`); binary as characters
 * U+0000–U+00FF. Anything else ("1.5" or "0x10" for an integer, 2021-02-30, "yes") is a
 * PartitionValueError, never rounded or guessed.
 */
export function partitionLiteral(column: DeltaColumn, raw: string | null): string {
  if (raw === null || raw === '') return `CAST(NULL AS ${column.type})`;
  const bad = (what: string): PartitionValueError => new PartitionValueError(`partition column '${column.name}' (${column.deltaType}) has the value ${JSON.stringify(raw)}, which is not ${what}`);
  const type = column.deltaType;
  const range = INTEGER_RANGE[type];
  if (range !== undefined) {
    if (!/^-?\d+$/.test(raw)) throw bad(`${type === 'integer' ? 'an integer' : `a ${type} integer`} in base 10`);
    const value = BigInt(raw);
    if (value < range[0] || value > range[1]) throw bad(`within the ${type} range ${range[0]}..${range[1]}`);
    return `CAST(${value} AS ${column.type})`;
  }
  switch (type) {
    case 'string':
      return `CAST(${sqlString(raw)} AS VARCHAR)`;
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw bad('true or false');
      return raw.toUpperCase();
    case 'float':
    case 'double': {
      const special = raw === 'NaN' || raw === 'Infinity' || raw === '-Infinity';
      if (!special && !/^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(raw)) throw bad('a number');
      if (!special && Math.abs(Number(raw)) > (type === 'float' ? FLOAT_MAX : Number.MAX_VALUE)) throw bad(`within the ${type} range`);
      return `CAST(${sqlString(raw)} AS ${column.type})`;
    }
    case 'date': {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
      if (m === null || !calendarDate(m[1]!, m[2]!, m[3]!)) throw bad('a date YYYY-MM-DD');
      return `CAST(${sqlString(raw)} AS DATE)`;
    }
    case 'timestamp':
    case 'timestamp_ntz': {
      const m = /^(\d{4})-(\d{2})-(\d{2})( |T)(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z?)$/.exec(raw);
      const iso = m !== null && m[4] === 'T';
      const ok = m !== null && iso === (m[9] === 'Z') && (!iso || type === 'timestamp') && calendarDate(m[1]!, m[2]!, m[3]!) && Number(m[5]) < 24 && Number(m[6]) < 60 && Number(m[7]) < 60;
      if (!ok) throw bad(`a timestamp YYYY-MM-DD HH:MM:SS[.ffffff]${type === 'timestamp' ? ' (or ISO 8601 in UTC, YYYY-MM-DDTHH:MM:SS[.ffffff]Z)' : ''}`);
      return `CAST(${sqlString(`${m[1]}-${m[2]}-${m[3]} ${m[5]}:${m[6]}:${m[7]}${m[8] ?? ''}`)} AS ${column.type})`;
    }
    case 'binary': {
      if (![...raw].every((c) => c.charCodeAt(0) <= 0xff)) throw bad('binary (characters U+0000 to U+00FF, one per byte)');
      return `from_hex('${Buffer.from(raw, 'latin1').toString('hex')}')`;
    }
    default: {
      const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
      if (decimal === null) throw bad(`of a type partition values are read for`);
      const [precision, scale] = [Number(decimal[1]), Number(decimal[2])];
      const m = /^-?(\d+)(?:\.(\d+))?$/.exec(raw);
      if (m === null) throw bad('a decimal number');
      if (m[1]!.replace(/^0+/, '').length > precision - scale || (m[2] ?? '').length > scale) throw bad(`within ${type} (at most ${precision - scale} digits before the point and ${scale} after)`);
      return `CAST(${sqlString(raw)} AS ${column.type})`;
    }
  }
}

/** Whether year-month-day is a day of the proleptic Gregorian calendar. */
function calendarDate(year: string, month: string, day: string): boolean {
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  if (m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(2000, m - 1, d));
  date.setUTCFullYear(y);
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
