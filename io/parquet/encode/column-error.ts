import type { ParquetField } from '../parquet-column.js';

/** An Error whose message starts with the column it is about, so a failed write names its culprit. */
export function columnError(field: ParquetField, message: string): Error {
  return new Error(`parquet column "${field.name}" (${field.type}): ${message}`);
}

/** Explains why `value` at `row` cannot be stored in `field` (called only off the hot path). */
export function invalidValueError(field: ParquetField, row: number, value: unknown): Error {
  const at = `row ${row}`;
  if (value == null) {
    return field.nullable && field.type !== 'string'
      ? columnError(field, `${value} at ${at}: a numeric column marks nulls with valid[row] = 0`)
      : columnError(field, `${value} at ${at} in a non-nullable column`);
  }
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  switch (field.type) {
    case 'string':
      return columnError(field, `${typeof value} ${shown} at ${at} is not a string`);
    case 'double':
      return columnError(field, `${typeof value} ${shown} at ${at} is not a number`);
    case 'bool':
      return columnError(field, `${shown} at ${at} is not 0 or 1`);
    default:
      if (typeof value !== 'number') return columnError(field, `${typeof value} ${shown} at ${at} is not a number`);
      if (!Number.isInteger(value)) return columnError(field, `${shown} at ${at} is not an integer`);
      return columnError(field, `${shown} at ${at} is out of range (${rangeOf(field)})`);
  }
}

function rangeOf(field: ParquetField): string {
  return field.type === 'int32' || field.type === 'date' ? '-2^31 .. 2^31-1' : '±(2^53-1), exact JS integers';
}
