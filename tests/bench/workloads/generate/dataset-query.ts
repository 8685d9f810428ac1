import { DuckDBInstance } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

export interface DatasetQuery {
  /** Rows of `text`; BIGINTs come back as JS numbers so tests compare plain values. */
  sql(text: string): Promise<Row[]>;
  close(): void;
}

/** DuckDB over a generated dataset directory: SQL may name its files relative to it. */
export async function queryDataset(dir: string): Promise<DatasetQuery> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  await connection.run(`SET file_search_path = '${dir.replaceAll("'", "''")}'; SET TimeZone = 'UTC'`);
  return {
    async sql(text) {
      const reader = await connection.runAndReadAll(text);
      return reader.getRowObjectsJson().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v])));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
