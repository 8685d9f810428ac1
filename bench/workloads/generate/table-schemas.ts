import type { ParquetField, ParquetType } from '../../../io/parquet/parquet-column.js';

const field = (name: string, type: ParquetType, nullable = false): ParquetField => ({ name, type, nullable });

/** The SPEC §2 input tables exactly as the generator writes them. */
export const TABLE_SCHEMAS = {
  catalog: [
    field('content_id', 'int32'),
    field('season_id', 'int32'),
    field('show_id', 'int64'),
    field('show_title', 'string'),
    field('category', 'string'),
    field('release_date', 'date'),
    field('expiry_date', 'date', true),
    field('avod', 'bool'),
  ],
  accounts: [field('account_id', 'int64'), field('crm_id', 'string', true), field('plan', 'string'), field('country', 'string'), field('push_opt_in', 'bool')],
  profiles: [
    field('profile_id', 'int64'),
    field('account_id', 'int64'),
    field('is_kids', 'bool'),
    field('status', 'string'),
    field('cluster_id', 'int64', true),
    field('country', 'string', true),
  ],
  plays: [field('profile_id', 'int64'), field('content_id', 'int32'), field('ts', 'timestamp_ms'), field('watch_seconds', 'int32')],
  regions: [field('country', 'string'), field('region', 'string')],
  sends: [field('send_date', 'date'), field('account_id', 'int64'), field('profile_id', 'int64'), field('show_id', 'int64'), field('scenario', 'string')],
  tombstones: [field('account_id', 'int64', true), field('profile_id', 'int64', true)],
} as const satisfies Record<string, readonly ParquetField[]>;

export type GeneratedTable = keyof typeof TABLE_SCHEMAS;
export const GENERATED_TABLES = Object.keys(TABLE_SCHEMAS) as GeneratedTable[];
