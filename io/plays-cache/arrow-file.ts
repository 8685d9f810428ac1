import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { RecordBatchFileWriter, tableFromIPC } from 'apache-arrow';
import type { Table } from 'apache-arrow';

/** A file of the cache as its index records it: name, size and CRC-32 of every byte. */
export interface StoredFile {
  file: string;
  bytes: number;
  crc32: number;
}

/**
 * Writes `table` as the Arrow IPC file `dir/name`, crash-safely: into a temp file, fsynced, then
 * renamed (the directory's fsync is the commit's, once for every file it names). The writer's
 * chunks are views of the columns, streamed to the file with no copy of the table.
 */
export async function writeArrowFile(dir: string, name: string, table: Table): Promise<StoredFile> {
  const temp = join(dir, `.${name}.tmp`);
  const fd = openSync(temp, 'w');
  let bytes = 0;
  let checksum = 0;
  try {
    for await (const chunk of RecordBatchFileWriter.writeAll(table)) {
      for (let at = 0; at < chunk.byteLength; ) at += writeSync(fd, chunk, at);
      checksum = crc32(chunk, checksum);
      bytes += chunk.byteLength;
    }
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(temp, join(dir, name));
  return { file: name, bytes, crc32: checksum };
}

/**
 * Reads the Arrow IPC file `stored` names, checked against its recorded size and CRC-32 before
 * anything is parsed; the columns are views of the bytes read (no copy). A string is the damage found.
 */
export function readArrowFile(dir: string, stored: StoredFile): Table | string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, stored.file));
  } catch (err) {
    return `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  if (bytes.length !== stored.bytes) return `has ${bytes.length} bytes where the index records ${stored.bytes}`;
  if (crc32(bytes) !== stored.crc32) return 'fails its checksum';
  try {
    return tableFromIPC(bytes);
  } catch (err) {
    return `is not an Arrow IPC file (${(err as Error).message.split('\n')[0]})`;
  }
}

type Column = Int32Array | Uint16Array | Float64Array;

/**
 * Column `name` of a table read back, as one typed array of `type` without nulls, or a string
 * saying what is wrong: a file that parses but is not what the cache writes is damaged too.
 */
export function tableColumn<T extends Column>(table: Table, name: string, type: new (length: number) => T): T | string {
  const vector = table.getChild(name);
  if (vector === null) return `has no column '${name}'`;
  if (table.numRows === 0) return new type(0);
  const data = vector.data;
  if (data.length !== 1) return `column '${name}' is in ${data.length} batches, not one`;
  const values: unknown = data[0]!.values;
  if (!(values instanceof type) || data[0]!.nullCount !== 0 || data[0]!.offset !== 0 || values.length < table.numRows) return `column '${name}' is not a ${type.name} without nulls`;
  return values.length === table.numRows ? values : (values.subarray(0, table.numRows) as T);
}
