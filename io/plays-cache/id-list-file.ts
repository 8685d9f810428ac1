import { randomBytes } from 'node:crypto';
import { makeVector, Table } from 'apache-arrow';
import { readArrowFile, tableColumn, writeArrowFile } from './arrow-file.js';
import type { StoredFile } from './arrow-file.js';

/**
 * An id list of the plays cache (`profiles-*.arrow`, `content-*.arrow`): one float64 column `id`;
 * a piece's code c stands for the id at position c. Lists only grow (a code, once given, keeps its
 * id), so every piece written against a shorter list reads the same against a longer one.
 */
export interface IdListRecord extends StoredFile {
  count: number;
}

export async function writeIdList(dir: string, kind: 'profiles' | 'content', ids: Float64Array): Promise<IdListRecord> {
  const stored = await writeArrowFile(dir, `${kind}-${randomBytes(8).toString('hex')}.arrow`, new Table({ id: makeVector(ids) }));
  return { ...stored, count: ids.length };
}

/** The id list `record` names, checked; a string is the damage found. */
export function readIdList(dir: string, record: IdListRecord): Float64Array | string {
  const table = readArrowFile(dir, record);
  if (typeof table === 'string') return table;
  if (table.numRows !== record.count) return `holds ${table.numRows} ids where the index records ${record.count}`;
  return tableColumn(table, 'id', Float64Array);
}
