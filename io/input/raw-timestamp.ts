import { formatDay } from '../../kernels/day-number.js';

/**
 * A SQL literal for `day` 00:00 UTC in the raw type of a `ts` column (TIMESTAMP, TIMESTAMPTZ or
 * epoch-ms integer), so a filter on the raw column lets DuckDB skip row groups by their statistics.
 */
export function rawTimestampLiteral(sourceType: string, day: number): string {
  if (sourceType === 'BIGINT' || sourceType === 'INTEGER') return String(day * 86_400_000);
  return sourceType === 'TIMESTAMP WITH TIME ZONE' ? `TIMESTAMPTZ '${formatDay(day)} 00:00:00+00'` : `TIMESTAMP '${formatDay(day)}'`;
}
