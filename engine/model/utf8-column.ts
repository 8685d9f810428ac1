/**
 * A string column as UTF-8 bytes in one buffer (shared with the workers, like every other column):
 * string i is bytes[offsets[i], offsets[i + 1]). No JS string exists until one is asked for, so a
 * million identities cost two typed arrays, not a million strings on the main thread.
 */
export interface Utf8Column {
  bytes: Uint8Array;
  offsets: Int32Array;
}

const decoder = new TextDecoder();

/** String i, or null when it is empty (the column's null: an empty `crm_id` counts as none, SPEC §4.4). */
export function utf8At(column: Utf8Column, i: number): string | null {
  const from = column.offsets[i]!;
  const to = column.offsets[i + 1]!;
  return from === to ? null : decoder.decode(column.bytes.subarray(from, to));
}

/** Whether string i is non-empty. */
export function utf8Present(column: Utf8Column, i: number): boolean {
  return column.offsets[i + 1]! > column.offsets[i]!;
}
