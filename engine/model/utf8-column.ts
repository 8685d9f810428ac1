/**
 * A string column as UTF-8 bytes in one buffer (shared with the workers, like every other column):
 * string i is bytes[offsets[i], offsets[i + 1]). No JS string exists until one is asked for, so a
 * million identities cost two typed arrays, not a million strings on the main thread.
 */
export interface Utf8Column {
  bytes: Uint8Array;
  offsets: Int32Array;
}

/** A Buffer over each column's bytes (no copy): Node decodes a range of it natively, without a view per string. */
const views = new WeakMap<Uint8Array, Buffer>();

/** String i, or null when it is empty (the column's null: an empty `crm_id` counts as none, SPEC §4.4). */
export function utf8At(column: Utf8Column, i: number): string | null {
  const from = column.offsets[i]!;
  const to = column.offsets[i + 1]!;
  if (from === to) return null;
  let view = views.get(column.bytes);
  if (view === undefined) {
    view = Buffer.from(column.bytes.buffer, column.bytes.byteOffset, column.bytes.length);
    views.set(column.bytes, view);
  }
  return view.toString('utf8', from, to);
}

/** Whether string i is non-empty. */
export function utf8Present(column: Utf8Column, i: number): boolean {
  return column.offsets[i + 1]! > column.offsets[i]!;
}
