import type { CampaignConfig } from '../config/config-types.js';
import type { DuckDBSession } from '../../io/input/duckdb-session.js';
import type { BoundTable } from '../../io/input/bind-tables.js';
import type { TableName } from '../../io/input/input-schema.js';
import type { InputFile } from '../../io/input/table-files.js';
import type { PlaysCacheOptions, PlaysCacheReport } from './plays-cache.js';

export interface LoadContext {
  session: DuckDBSession;
  day: number;
  config: CampaignConfig;
  tables: Partial<Record<TableName, BoundTable>>;
  /** Row counts and drops for the manifest, by table then reason. */
  counts: Record<string, Record<string, number>>;
  /** The plays cache of this load: its options, the plays' data files as the manifest describes them, and its report once the plays are read. */
  playsCache?: { options: PlaysCacheOptions; files: Promise<InputFile[]>; step(detail: string): void; report?: PlaysCacheReport };
  /** The day of the latest play before D in the history window, counted or not (the freshness guard); null when none. */
  latestPlayDay?: number | null;
}

export function count(ctx: LoadContext, group: string, key: string, n: number): void {
  const g = (ctx.counts[group] ??= {});
  g[key] = (g[key] ?? 0) + n;
}

export function table(ctx: LoadContext, name: TableName): BoundTable {
  const t = ctx.tables[name];
  if (t === undefined) throw new Error(`table ${name} was not bound`);
  return t;
}

/** Strings get dense codes in sorted order, so codes are the same whatever order rows arrive in. */
export function sortedCodes(values: Iterable<string>): Map<string, number> {
  return new Map([...new Set(values)].sort().map((v, i) => [v, i]));
}
