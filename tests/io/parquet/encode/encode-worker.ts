import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { type ColumnValues, type Compression, type ParquetField, encodeRowGroup } from '../../../../io/parquet/index.js';

/** Scenario-like rows whose values are formulas of the row number, so SQL can check them. */
export const WORKER_FIELDS: ParquetField[] = [
  { name: 'profile_id', type: 'int64', nullable: false },
  { name: 'rank', type: 'int32', nullable: false },
  { name: 'show_id', type: 'int64', nullable: true },
  { name: 'score', type: 'double', nullable: false },
  { name: 'crm_id', type: 'string', nullable: true },
];

export function workerRows(start: number, n: number): ColumnValues[] {
  const profile = new Float64Array(n);
  const rank = new Int32Array(n);
  const show = new Float64Array(n);
  const showValid = new Uint8Array(n);
  const score = new Float64Array(n);
  const crm: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = start + i;
    profile[i] = 1e12 + Math.floor(row / 5);
    rank[i] = (row % 5) + 1;
    show[i] = row * 31;
    showValid[i] = row % 9 === 0 ? 0 : 1;
    score[i] = row / 8;
    crm[i] = row % 13 === 0 ? null : `crm-${row}`;
  }
  return [{ values: profile }, { values: rank }, { values: show, valid: showValid }, { values: score }, { values: crm }];
}

if (!isMainThread) {
  const { start, n, compression } = workerData as { start: number; n: number; compression: Compression };
  const group = encodeRowGroup(WORKER_FIELDS, workerRows(start, n), n, compression);
  parentPort!.postMessage(group, [group.bytes.buffer]);
}
