import { resolve } from 'node:path';
import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk } from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';
import { abortedBy } from '../errors.js';
import { InputError } from '../errors.js';

/** How a result column lands in JS: ids as float64 (exact below 2^53), small ints, booleans, strings. */
export type ColumnKind = 'f64' | 'i32' | 'bool' | 'str';

/** One chunk of a streamed result: views valid only during the callback (the chunk is released after it). */
export interface Chunk {
  size: number;
  f64(column: number): Float64Array;
  i32(column: number): Int32Array;
  bool(column: number): Uint8Array;
  str(column: number): (string | null)[];
  /** DuckDB's validity bitmask of `column` (bit i set = row i present), or null when no row is null. */
  validity(column: number): Uint8Array | null;
  /** Index within the chunk of the first null of `column`, or -1. */
  firstNull(column: number): number;
}

/**
 * A DuckDB database used only as a Parquet decoder and SQL helper; one per run. With a `signal`,
 * an abort interrupts the query under way (DuckDB stops within milliseconds, between vectors) and
 * every later query or chunk fails at once with an AbortedError.
 */
export class DuckDBSession {
  private readonly onAbort: () => void;

  private constructor(
    private readonly database: duckdb.Database,
    private readonly connection: duckdb.Connection,
    private readonly signal: AbortSignal | undefined,
    /** A second connection to the same database (fork): closing it leaves the database open. */
    private readonly owner = true,
  ) {
    this.onAbort = () => duckdb.interrupt(this.connection);
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Another connection to this session's database, for a query that runs beside this one's (and stops with it). */
  async fork(): Promise<DuckDBSession> {
    this.checkAbort();
    const connection = await duckdb.connect(this.database);
    await duckdb.query(connection, "SET TimeZone = 'UTC'");
    return new DuckDBSession(this.database, connection, this.signal, false);
  }

  static async open(threads: number, signal?: AbortSignal): Promise<DuckDBSession> {
    if (signal?.aborted === true) throw abortedBy(signal);
    const config = duckdb.create_config();
    duckdb.set_config(config, 'threads', String(Math.max(1, threads)));
    const database = await duckdb.open(':memory:', config);
    const connection = await duckdb.connect(database);
    // SPEC §2 timestamps are UTC: any TIMESTAMP ↔ TIMESTAMPTZ cast (e.g. a directory mixing both)
    // must not depend on the host's time zone.
    await duckdb.query(connection, "SET TimeZone = 'UTC'");
    return new DuckDBSession(database, connection, signal);
  }

  /** Runs `work` on a session of its own, closed once it settles: no decoder memory outlives it. */
  static async scoped<T>(threads: number, work: (session: DuckDBSession) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const session = await DuckDBSession.open(threads, signal);
    try {
      return await work(session);
    } finally {
      session.close();
    }
  }

  /** Every row of a small result, values as @duckdb/node-api renders them (BIGINT as bigint). */
  async rows(sql: string): Promise<DuckDBValue[][]> {
    const rows: DuckDBValue[][] = [];
    await this.stream(sql, (_chunk, raw) => rows.push(...new DuckDBDataChunk(raw).getRows()));
    return rows;
  }

  async run(sql: string): Promise<void> {
    this.checkAbort();
    await this.interruptible(duckdb.query(this.connection, sql));
  }

  /** Throws the AbortedError once the session's signal fired. */
  checkAbort(): void {
    if (this.signal?.aborted === true) throw abortedBy(this.signal);
  }

  /** A DuckDB call's promise; an interrupt's rejection becomes the AbortedError that caused it. */
  private async interruptible<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (err) {
      this.checkAbort();
      throw err;
    }
  }

  /**
   * Streams `sql` chunk by chunk (2048 rows) without materialising the result. The next chunk is
   * fetched (an async round trip to DuckDB's threads) while the callback processes this one, so
   * the fetch latency hides behind the caller's work.
   */
  async stream(sql: string, onChunk: (chunk: Chunk, raw: duckdb.DataChunk) => void): Promise<number> {
    this.checkAbort();
    const prepared = await this.interruptible(duckdb.prepare(this.connection, sql));
    const result = await this.interruptible(duckdb.execute_prepared_streaming(prepared));
    let total = 0;
    let next = duckdb.fetch_chunk(result);
    for (;;) {
      const raw = await this.interruptible(next);
      this.checkAbort();
      if (raw === null) break;
      const size = duckdb.data_chunk_get_size(raw);
      if (size === 0) break;
      next = duckdb.fetch_chunk(result);
      try {
        onChunk(chunkView(raw, size), raw);
      } catch (error) {
        // Let the in-flight fetch settle before the result can be released.
        await next.catch(() => null);
        throw error;
      }
      total += size;
    }
    return total;
  }

  /**
   * Creates (or replaces) the temp table `name` with one BIGINT column `column` holding `values`,
   * appended chunk by chunk from the typed array (1M values in ~80 ms, where SQL text takes seconds).
   */
  async createInt64Table(name: string, column: string, values: BigInt64Array<ArrayBuffer>): Promise<void> {
    await this.run(`CREATE OR REPLACE TEMP TABLE "${name}" ("${column}" BIGINT)`);
    const appender = duckdb.appender_create_ext(this.connection, 'temp', null, name);
    const type = duckdb.create_logical_type(duckdb.Type.BIGINT);
    const capacity = duckdb.vector_size();
    for (let at = 0; at < values.length; at += capacity) {
      const size = Math.min(capacity, values.length - at);
      const chunk = duckdb.create_data_chunk([type]);
      // vector_get_data hands out a copy; copy_data_to_vector writes into DuckDB's vector.
      duckdb.copy_data_to_vector(duckdb.data_chunk_get_vector(chunk, 0), 0, values.buffer, values.byteOffset + at * 8, size * 8);
      duckdb.data_chunk_set_size(chunk, size);
      duckdb.append_data_chunk(appender, chunk);
    }
    duckdb.appender_close_sync(appender);
  }

  close(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    duckdb.disconnect_sync(this.connection);
    if (this.owner) duckdb.close_sync(this.database);
  }
}

function chunkView(raw: duckdb.DataChunk, size: number): Chunk {
  const vector = (c: number): duckdb.Vector => duckdb.data_chunk_get_vector(raw, c);
  const bytes = (c: number, width: number): Uint8Array => duckdb.vector_get_data(vector(c), size * width);
  return {
    size,
    f64: (c) => {
      const b = bytes(c, 8);
      return new Float64Array(b.buffer, b.byteOffset, size);
    },
    i32: (c) => {
      const b = bytes(c, 4);
      return new Int32Array(b.buffer, b.byteOffset, size);
    },
    bool: (c) => bytes(c, 1),
    str: (c) => new DuckDBDataChunk(raw).getColumnValues(c) as (string | null)[],
    validity: (c) => duckdb.vector_get_validity(vector(c), Math.ceil(size / 64) * 8) ?? null,
    firstNull(c) {
      const mask = this.validity(c);
      if (mask === null) return -1;
      for (let i = 0; i < size; i++) if ((mask[i >> 3]! & (1 << (i & 7))) === 0) return i;
      return -1;
    },
  };
}

/** SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** What DuckDB's file readers take as a pattern (`*`, `?`, `[`), and braces, in case a version expands them. */
const PATTERN_CHARACTER = /[*?[{}]/;

/**
 * SQL literal naming exactly the local file `path` for DuckDB's readers (`read_parquet`,
 * `parquet_metadata`, `parquet_schema`), which would read every file a pattern matches: a path is
 * literal (SPEC §2). The path is made absolute (DuckDB expands a leading `~` and searches relative
 * paths), and each pattern character becomes a one-character class (`[[]`, `[*]`, `[?]`) that
 * matches only itself. DuckDB splits a pattern at `\` as well, so a path holding a backslash and a
 * pattern character cannot be named: an InputError rather than a read of some other file.
 */
export function sqlFilePath(path: string): string {
  const absolute = resolve(path);
  if (!PATTERN_CHARACTER.test(absolute)) return sqlString(absolute);
  if (absolute.includes('\\')) throw new InputError(path, 'the path holds a backslash and one of * ? [ { }, which DuckDB cannot read as one literal file name; rename the file or directory');
  return sqlString(absolute.replace(/[*?[{}]/g, (c) => `[${c}]`));
}
