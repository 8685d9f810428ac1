import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import type { ParquetField } from '../parquet-column.js';
import { MAGIC } from '../parquet-format.js';
import { type PlacedRowGroup, encodeFileMetaData } from './file-metadata.js';
import type { EncodedRowGroup } from './row-group.js';
import { checkFields } from './schema.js';

const MAGIC_BYTES = new TextEncoder().encode(MAGIC);
/** Largest single write(2) we issue; Node rejects buffers beyond 2 GiB per call. */
const MAX_WRITE = 1 << 30;

/**
 * Assembles a Parquet file from row groups encoded elsewhere (possibly in worker threads). Bytes go
 * to `<path>.tmp-<random>`, renamed to `path` by `close()`, so readers never see a partial file. A
 * failed append or close removes the temp file; a caller that gives up in between calls `abort()`.
 * Await each `appendRowGroup` before the next.
 */
export class ParquetFileWriter {
  readonly path: string;
  readonly tempPath: string;
  private readonly fields: readonly ParquetField[];
  private readonly handle: FileHandle;
  private readonly rowGroups: PlacedRowGroup[] = [];
  private position = MAGIC_BYTES.length;
  private inFlight: Promise<void> | null = null;
  private finished = false;

  private constructor(path: string, tempPath: string, handle: FileHandle, fields: readonly ParquetField[]) {
    this.path = path;
    this.tempPath = tempPath;
    this.handle = handle;
    this.fields = fields.map((f) => ({ ...f }));
  }

  static async open(path: string, fields: ParquetField[]): Promise<ParquetFileWriter> {
    checkFields(fields);
    const tempPath = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    const handle = await open(tempPath, 'wx');
    const writer = new ParquetFileWriter(path, tempPath, handle, fields);
    await writer.guard(writeAll(handle, MAGIC_BYTES));
    return writer;
  }

  /** Appends one row group; a group of 0 rows is skipped (a file may hold no row group at all). */
  async appendRowGroup(group: EncodedRowGroup): Promise<void> {
    this.checkWritable();
    this.checkMatches(group);
    if (group.numRows === 0) return;
    const { bytes, ...meta } = group;
    this.rowGroups.push({ fileOffset: this.position, group: meta });
    this.position += bytes.length;
    await this.guard(writeAll(this.handle, bytes));
  }

  /** Writes the footer and publishes the file at `path`. */
  async close(): Promise<void> {
    this.checkWritable();
    const metadata = encodeFileMetaData(this.fields, this.rowGroups);
    const footer = new Uint8Array(metadata.length + 8);
    footer.set(metadata);
    new DataView(footer.buffer).setUint32(metadata.length, metadata.length, true);
    footer.set(MAGIC_BYTES, metadata.length + 4);
    await this.guard(writeAll(this.handle, footer).then(() => this.handle.close()));
    this.finished = true;
    try {
      await rename(this.tempPath, this.path);
    } catch (err) {
      await rm(this.tempPath, { force: true });
      throw err;
    }
  }

  /** Discards the file: closes it (after any write in flight) and removes the temp file. */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.inFlight?.catch(() => undefined);
    await this.handle.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }

  /** Runs one file operation, aborting the whole file if it fails. */
  private async guard(operation: Promise<void>): Promise<void> {
    this.inFlight = operation;
    try {
      await operation;
    } catch (err) {
      await this.abort();
      throw err;
    } finally {
      this.inFlight = null;
    }
  }

  private checkWritable(): void {
    if (this.finished) throw new Error(`parquet writer for ${this.path}: already closed or aborted`);
    if (this.inFlight !== null) throw new Error(`parquet writer for ${this.path}: await the previous write first`);
  }

  private checkMatches(group: EncodedRowGroup): void {
    const fields = this.fields;
    if (group.columns.length !== fields.length) {
      throw new Error(`parquet writer for ${this.path}: row group has ${group.columns.length} columns, schema has ${fields.length}`);
    }
    group.columns.forEach((chunk, i) => {
      const field = fields[i]!;
      if (chunk.name !== field.name || chunk.type !== field.type || chunk.nullable !== field.nullable) {
        throw new Error(
          `parquet writer for ${this.path}: row group column ${i} is "${chunk.name}" (${chunk.type}${chunk.nullable ? ', nullable' : ''}),` +
          ` schema has "${field.name}" (${field.type}${field.nullable ? ', nullable' : ''})`,
        );
      }
    });
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, offset, Math.min(bytes.length - offset, MAX_WRITE));
    offset += bytesWritten;
  }
}
