/** SPEC §2 column types as the contract states them; any Parquet integer width is an `int`. */
export type ContractType = 'int' | 'string' | 'bool' | 'date' | 'timestamp';

export interface ContractColumn {
  name: string;
  type: ContractType;
  nullable: boolean;
}

const col = (name: string, type: ContractType, nullable = false): ContractColumn => ({ name, type, nullable });

export const INPUT_TABLES = {
  catalog: [
    col('content_id', 'int'),
    col('season_id', 'int'),
    col('show_id', 'int'),
    col('show_title', 'string'),
    col('category', 'string'),
    col('release_date', 'date'),
    col('expiry_date', 'date', true),
    col('avod', 'bool'),
  ],
  accounts: [col('account_id', 'int'), col('crm_id', 'string', true), col('plan', 'string'), col('country', 'string'), col('push_opt_in', 'bool')],
  profiles: [
    col('profile_id', 'int'),
    col('account_id', 'int'),
    col('is_kids', 'bool'),
    col('status', 'string'),
    col('cluster_id', 'int', true),
    col('country', 'string', true),
  ],
  plays: [col('profile_id', 'int'), col('content_id', 'int'), col('ts', 'timestamp'), col('watch_seconds', 'int')],
  regions: [col('country', 'string'), col('region', 'string')],
  sends: [col('send_date', 'date'), col('account_id', 'int'), col('profile_id', 'int'), col('show_id', 'int'), col('scenario', 'string')],
  tombstones: [col('account_id', 'int', true), col('profile_id', 'int', true)],
} as const satisfies Record<string, readonly ContractColumn[]>;

export type TableName = keyof typeof INPUT_TABLES;
export const OPTIONAL_TABLES: readonly TableName[] = ['sends', 'tombstones'];
