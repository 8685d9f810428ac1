import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDay } from '../../../engine/dates.js';
import { CampaignError } from '../../../engine/errors.js';
import type { ColumnValues, Compression } from '../../../io/parquet/parquet-column.js';
import { writeParquet } from '../../../io/parquet/encode/write-parquet.js';
import { buildDirectoryAtomically } from './atomic-output.js';
import { buildModel } from './dataset-model.js';
import { regionsTable } from './geography.js';
import { accountsTable, profilesTable } from './households.js';
import { PlaysPool } from './plays-pool.js';
import { generateSends } from './sends.js';
import { TABLE_SCHEMAS, type GeneratedTable } from './table-schemas.js';
import { generateTombstones } from './tombstones.js';
import { writePlays } from './write-plays.js';

export interface GenerateOptions {
  /** Number of profiles; everything else scales from it (~30 plays per profile). */
  profiles: number;
  /** Any non-negative safe integer; the same seed and options give byte-identical files. */
  seed: number;
  /** Campaign date D (YYYY-MM-DD) the data is shaped around. */
  date: string;
  /** Created atomically; must not exist or be empty. */
  outDir: string;
  /** Split plays into `plays/part-NNNNN.parquet` files; default 1 (`plays.parquet`). */
  playsFiles?: number;
  /** Called after each table, and after each row group of plays, with the rows written so far. */
  onProgress?: (event: GenerateProgress) => void;
}

export interface GenerateProgress {
  table: GeneratedTable;
  rows: number;
}

export interface GenerateSummary {
  outDir: string;
  rows: Record<GeneratedTable, number>;
  /** Files of each table, relative to `outDir`. */
  files: Record<GeneratedTable, string[]>;
}

export const MAX_PROFILES = 100_000_000;
export const MAX_PLAYS_FILES = 1000;
const COMPRESSION: Compression = 'snappy';
const ROW_GROUP_ROWS = 1 << 20;

/**
 * Writes a synthetic input dataset (SPEC §2) shaped to exercise every rule of SPEC §3–§7, plus
 * `dataset.json` recording the parameters and row counts. The directory appears atomically.
 */
export async function generateDataset(options: GenerateOptions): Promise<GenerateSummary> {
  const { profiles, seed, date, outDir } = options;
  const playsFiles = options.playsFiles ?? 1;
  checkInteger('profiles', profiles, 1, MAX_PROFILES);
  checkInteger('seed', seed, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('playsFiles', playsFiles, 1, Math.min(MAX_PLAYS_FILES, profiles));
  const day = parseDay(date, 'date');
  const progress = options.onProgress ?? (() => undefined);

  return buildDirectoryAtomically(outDir, async (dir) => {
    // Workers start first: rebuilding the model in each overlaps with writing the small tables here.
    const pool = new PlaysPool({ seed, day, profiles, compression: COMPRESSION });
    try {
      const { rows, files } = await writeDataset(dir, { seed, day, profiles, playsFiles }, pool, progress);
      const manifest = { generator: 'campaign generate', seed, date, profiles, playsFiles, rows, files };
      await writeFile(join(dir, 'dataset.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      return { outDir, rows, files };
    } finally {
      await pool.close();
    }
  });
}

async function writeDataset(
  dir: string,
  { seed, day, profiles, playsFiles }: { seed: number; day: number; profiles: number; playsFiles: number },
  pool: PlaysPool,
  progress: (event: GenerateProgress) => void,
): Promise<Pick<GenerateSummary, 'rows' | 'files'>> {
  const rows = {} as Record<GeneratedTable, number>;
  const files = {} as Record<GeneratedTable, string[]>;
  const write = async (table: Exclude<GeneratedTable, 'plays'>, columns: ColumnValues[], count: number): Promise<void> => {
    const file = `${table}.parquet`;
    await writeParquet(join(dir, file), [...TABLE_SCHEMAS[table]], columns, count, { compression: COMPRESSION, rowGroupRows: ROW_GROUP_ROWS });
    rows[table] = count;
    files[table] = [file];
    progress({ table, rows: count });
  };

  const { ids, catalog, households, taste } = buildModel(seed, day, profiles);
  const c = catalog.table;
  await write(
    'catalog',
    [
      { values: c.contentId }, { values: c.seasonId }, { values: c.showId }, { values: c.showTitle }, { values: c.category },
      { values: c.releaseDate }, { values: c.expiryDate, valid: c.expiryValid }, { values: c.avod },
    ],
    c.contentId.length,
  );
  const a = accountsTable(households, ids);
  await write('accounts', [{ values: a.accountId }, { values: a.crmId }, { values: a.plan }, { values: a.country }, { values: a.pushOptIn }], a.accountId.length);
  const p = profilesTable(seed, households, ids);
  await write(
    'profiles',
    [{ values: p.profileId }, { values: p.accountId }, { values: p.isKids }, { values: p.status }, { values: p.clusterId, valid: p.clusterValid }, { values: p.country }],
    p.profileId.length,
  );
  const r = regionsTable();
  await write('regions', [{ values: r.country }, { values: r.region }], r.country.length);
  const s = generateSends(seed, day, households, taste, catalog.showIds, ids);
  await write('sends', [{ values: s.sendDate }, { values: s.accountId }, { values: s.profileId }, { values: s.showId }, { values: s.scenario }], s.sendDate.length);
  const t = generateTombstones(seed, households, ids);
  await write('tombstones', [{ values: t.accountId, valid: t.accountValid }, { values: t.profileId, valid: t.profileValid }], t.accountId.length);

  const plays = await writePlays(dir, pool, profiles, playsFiles, (n) => progress({ table: 'plays', rows: n }));
  rows.plays = plays.rows;
  files.plays = plays.files;
  return { rows, files };
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new CampaignError('BAD_ARGUMENT', `${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}
