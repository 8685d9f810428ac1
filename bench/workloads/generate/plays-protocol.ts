import type { EncodedRowGroup } from '../../../io/parquet/encode/row-group.js';
import type { Compression } from '../../../io/parquet/parquet-column.js';

/** What every plays worker starts from: it rebuilds the dataset model from these. */
export interface PlaysWorkerData {
  seed: number;
  day: number;
  profiles: number;
  compression: Compression;
}

/** Generate and encode the plays of profiles [from, to) as one row group. */
export interface PlaysRequest {
  id: number;
  from: number;
  to: number;
}

export type PlaysResponse = { id: number; rows: number; group: EncodedRowGroup } | { id: number; error: string };
