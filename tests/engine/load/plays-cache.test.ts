import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../../engine/config/config-types.js';
import type { CampaignConfig } from '../../../engine/config/config-types.js';
import { defaultConfig } from '../../../engine/config/default-config.js';
import { formatDay, parseDay } from '../../../engine/dates.js';
import type { PlaysCacheReport } from '../../../engine/load/plays-cache.js';
import { runCampaign } from '../../../engine/run-campaign.js';
import type { RunCampaignResult } from '../../../engine/run-campaign.js';
import { DuckDBSession, sqlString } from '../../../io/input/duckdb-session.js';
import { generateDataset } from '../../../bench/workloads/generate/generate-dataset.js';
import { NightlyLake } from '../../../bench/workloads/layout/nightly-plays.js';
import type { LakeLayout } from '../../../bench/workloads/layout/nightly-plays.js';
import { expectEqual } from '../../support/expect-equal.js';
import { startPaused } from '../../support/paused-cli.js';
import { tempDir } from '../../support/temp-dir.js';

/**
 * Issue 22: a run that takes plays from the cache publishes exactly what a cold run (every play
 * decoded from the lake) publishes — the same bytes and run id — night after night, whatever
 * changed in the lake and the other tables between nights.
 */
const LAST = '2026-11-22';
const FIRST = formatDay(parseDay(LAST, 'date') - 9);
const FILES = [...SCENARIOS.map((s) => `scenarios/${s}.parquet`), 'selection.parquet', 'payloads.ndjson'];

const day = (offset: number): string => formatDay(parseDay(FIRST, 'date') + offset);

/** What a run published, byte for byte, and the manifest's keys that do not depend on timing or the cache. */
function published(run: RunCampaignResult): Record<string, unknown> {
  const digest = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
  const files = Object.fromEntries(FILES.map((f) => [f, digest(readFileSync(join(run.outputDir, f)))]));
  const { run_id, inputs, counts, outputs, validation, effective_config } = run.manifest;
  return { files, manifest: { run_id, inputs, counts, outputs, validation, effective_config } };
}

function cacheOf(run: RunCampaignResult): PlaysCacheReport {
  return run.manifest.plays_cache!;
}

let base: string;
beforeAll(async () => {
  base = join(tempDir('plays-cache-'), 'base');
  await generateDataset({ profiles: 1000, seed: 5, date: LAST, outDir: base });
}, 300_000);

/** Runs the night warm (the lake's state directory) and cold (`cold`, its own directories); both must publish the same. */
async function night(dir: string, data: string, date: string, config: CampaignConfig = defaultConfig()): Promise<{ warm: RunCampaignResult; cold: RunCampaignResult }> {
  const warm = await runCampaign({ dataDir: data, date, outDir: join(dir, 'warm'), config, workers: 2 });
  const cold = await runCampaign({ dataDir: data, date, outDir: join(dir, 'cold'), config, workers: 2, cold: true });
  expectEqual(published(warm), published(cold), `${date} warm vs cold`);
  expect(warm.runId).toBe(cold.runId);
  expect(cacheOf(cold).reused).toEqual([]);
  return { warm, cold };
}

/** A Parquet table of the dataset rewritten through DuckDB with `select` (over `t`, the table as it is). */
async function rewriteTable(data: string, table: string, select: string): Promise<void> {
  const file = join(data, `${table}.parquet`);
  const session = await DuckDBSession.open(1);
  try {
    await session.run(`CREATE TEMP TABLE t AS SELECT * FROM read_parquet(${sqlString(file)})`);
    await session.run(`COPY (${select}) TO ${sqlString(`${file}.new`)} (FORMAT parquet)`);
  } finally {
    session.close();
  }
  // A new inode: the generated dataset's hard link stays as it was.
  writeFileSync(file, readFileSync(`${file}.new`));
}

async function firstRow(sql: string): Promise<unknown[]> {
  const session = await DuckDBSession.open(1);
  try {
    return (await session.rows(sql))[0]!;
  } finally {
    session.close();
  }
}

for (const layout of ['parquet', 'delta'] as LakeLayout[]) {
  describe(`ten nights of plays as ${layout === 'parquet' ? 'a directory of Parquet files' : 'a Delta table'}`, () => {
    it('every night the warm run publishes what the cold run publishes, reusing what it can', async () => {
      const dir = tempDir(`plays-cache-${layout}-`);
      const data = join(dir, 'data');
      const lake = await NightlyLake.create({ data: base, out: data, layout, firstNight: FIRST, dailyDays: 10 });
      try {
        // Night 0: nothing cached yet.
        let { warm } = await night(dir, data, day(0));
        expect(cacheOf(warm).note).toBe('no cache yet');
        expect(cacheOf(warm).written).toBe(true);

        // Night 1: yesterday's plays arrive as a new file; every other file is reused.
        const appended = await lake.appendDay(day(0));
        ({ warm } = await night(dir, data, day(1)));
        expect(cacheOf(warm).decoded).toEqual({ 'new file': [`plays/${appended}`] });
        expect(cacheOf(warm).reused.length).toBe(lake.livePaths().length - 1);
        expect(cacheOf(warm).reused_rows).toBeGreaterThan(0);

        // Night 2: plus plays arriving late for a day long before.
        await lake.appendDay(day(1));
        const late = await lake.appendLate(day(-5), day(1), 5);
        ({ warm } = await night(dir, data, day(2)));
        expect(cacheOf(warm).decoded['new file']).toContain(`plays/${late}`);

        // Night 3: a day's file is rewritten (in Delta: removed, and its rows added under a new path).
        await lake.appendDay(day(2));
        const old = lake.livePaths().find((p) => p.startsWith(`${day(-3)}/`))!;
        const rewritten = await lake.rewrite(old, 'watch_seconds % 7 <> 0');
        ({ warm } = await night(dir, data, day(3)));
        if (layout === 'parquet') expect(cacheOf(warm).decoded['file rewritten (size or SHA-256 changed)']).toEqual([`plays/${old}`]);
        else {
          expect(cacheOf(warm).decoded['new file']).toContain(`plays/${rewritten}`);
          expect(cacheOf(warm).dropped['no longer in the plays table']).toEqual([`plays/${old}`]);
        }

        // Night 4: a file is removed.
        await lake.appendDay(day(3));
        const removed = lake.livePaths().find((p) => p.startsWith(`${day(-2)}/`))!;
        lake.remove(removed);
        ({ warm } = await night(dir, data, day(4)));
        expect(cacheOf(warm).dropped['no longer in the plays table']).toEqual([`plays/${removed}`]);

        // Night 5: a profile with plays, and an account, are tombstoned.
        await lake.appendDay(day(4));
        const [profile, account] = await firstRow(
          `SELECT p.profile_id, p.account_id FROM read_parquet(${sqlString(join(data, 'profiles.parquet'))}) p JOIN (SELECT profile_id, count(*) n FROM read_parquet(${sqlString(join(data, 'plays', '**', '*.parquet'))}) GROUP BY 1) c USING (profile_id) ORDER BY c.n DESC, p.profile_id LIMIT 1`,
        );
        const [otherAccount] = await firstRow(`SELECT max(account_id) FROM read_parquet(${sqlString(join(data, 'accounts.parquet'))}) WHERE account_id <> ${String(account)}`);
        await rewriteTable(data, 'tombstones', `SELECT * FROM t UNION ALL SELECT NULL, ${String(profile)} UNION ALL SELECT ${String(otherAccount)}, NULL`);
        ({ warm } = await night(dir, data, day(5)));
        expect(cacheOf(warm).decoded).toEqual({ 'new file': [expect.stringContaining(`plays/${day(4)}/`) as unknown as string] });
        expect(warm.counts['plays_dropped']!['tombstoned']).toBeGreaterThan(0);

        // Night 6: profiles and shows appear whose plays were already in the lake (unknown until now).
        await lake.appendDay(day(5));
        const playsGlob = sqlString(join(data, 'plays', '**', '*.parquet'));
        await rewriteTable(
          data,
          'profiles',
          `SELECT * FROM t UNION ALL SELECT u.profile_id, (SELECT min(account_id) FROM t), false, 'active', NULL, NULL FROM (SELECT DISTINCT profile_id FROM read_parquet(${playsGlob}) WHERE profile_id NOT IN (SELECT profile_id FROM t) ORDER BY 1 LIMIT 3) u`,
        );
        await rewriteTable(
          data,
          'catalog',
          `SELECT * FROM t UNION ALL SELECT u.content_id, 900000001, 900000001, 'A new show', 'drama', DATE '2026-01-01', NULL, true FROM (SELECT DISTINCT content_id FROM read_parquet(${playsGlob}) WHERE content_id NOT IN (SELECT content_id FROM t) ORDER BY 1 LIMIT 2) u`,
        );
        const before = warm.counts['plays']!['counted']!;
        ({ warm } = await night(dir, data, day(6)));
        expect(cacheOf(warm).reused.length).toBeGreaterThan(10);
        expect(warm.counts['plays']!['counted']).toBeGreaterThan(before);

        // Night 7: min_play_seconds changes: the cached rows are counted by the new rule.
        await lake.appendDay(day(6));
        ({ warm } = await night(dir, data, day(7), { ...defaultConfig(), min_play_seconds: 600 }));
        expect(cacheOf(warm).reused.length).toBeGreaterThan(10);

        // Night 8: in Delta, rows of an old file are deleted by a deletion vector.
        await lake.appendDay(day(7));
        const target = lake.livePaths().find((p) => p.startsWith(`${day(-1)}/`))!;
        if (layout === 'delta') lake.deleteRows(target, [0, 1, 2, 5, 8, 13]);
        ({ warm } = await night(dir, data, day(8)));
        if (layout === 'delta') expect(cacheOf(warm).decoded['deletion vector changed']).toEqual([`plays/${target}`]);

        // Night 9: a longer history window starts before the cached rows: every file is decoded again.
        await lake.appendDay(day(8));
        ({ warm } = await night(dir, data, day(9), { ...defaultConfig(), history_days: 120 }));
        expect(Object.keys(cacheOf(warm).decoded)).toEqual(["tonight's history window starts before the cached rows", 'new file']);
        expect(cacheOf(warm).reused).toEqual([]);
      } finally {
        lake.close();
      }
    });
  });
}

describe('a damaged cache', () => {
  it('a damaged piece or index is read again from the lake, with the reason, and the run is exact', async () => {
    const dir = tempDir('plays-cache-damage-');
    const data = join(dir, 'data');
    // Small row groups: the history file is cut into slices read by different readers, so its rows lie in several pieces.
    const lake = await NightlyLake.create({ data: base, out: data, layout: 'parquet', firstNight: FIRST, dailyDays: 4, rowGroupSize: 1024 });
    try {
      await night(dir, data, day(0));
      const cacheDir = join(dir, 'warm', 'state', 'plays-cache');
      const index = JSON.parse(readFileSync(join(cacheDir, 'index.json'), 'utf8')) as { index: { files: { path: string; segments: [string][] }[] } };
      const history = index.index.files.find((f) => f.path.startsWith('plays/history/'))!;
      expect(history.segments.length).toBeGreaterThan(1);
      // One byte flipped in the middle of one of the history file's pieces: the files with rows in it are decoded again.
      const piece = join(cacheDir, history.segments[0]![0]);
      const bytes = readFileSync(piece);
      bytes[bytes.length >> 1] ^= 0xff;
      writeFileSync(piece, bytes);
      let { warm } = await night(dir, data, day(0));
      expect(Object.keys(cacheOf(warm).decoded)).toEqual(['its cached piece is damaged']);
      expect(cacheOf(warm).decoded['its cached piece is damaged']!.length + cacheOf(warm).reused.length).toBe(lake.livePaths().length);
      expect(cacheOf(warm).written).toBe(true);

      // A damaged index: nothing is reused, and the cache is written anew.
      const indexFile = join(cacheDir, 'index.json');
      writeFileSync(indexFile, readFileSync(indexFile, 'utf8').replace(/"rows":(\d)/, '"rows":9$1'));
      ({ warm } = await night(dir, data, day(0)));
      expect(cacheOf(warm).note).toBe('the cache is damaged: its index fails its checksum');
      expect(cacheOf(warm).reused).toEqual([]);
      ({ warm } = await night(dir, data, day(0)));
      expect(cacheOf(warm).decoded).toEqual({});
    } finally {
      lake.close();
    }
  });
});

describe('a run killed while it writes the cache', () => {
  for (const point of ['plays-cache-before-index', 'plays-cache-before-prune']) {
    it(`SIGKILL at ${point}: the next run is exact and the cache usable`, async () => {
      const dir = tempDir('plays-cache-kill-');
      const data = join(dir, 'data');
      const lake = await NightlyLake.create({ data: base, out: data, layout: 'delta', firstNight: FIRST, dailyDays: 4 });
      try {
        await night(dir, data, day(0));
        await lake.appendDay(day(0));
        const paused = await startPaused(['run', '--data', data, '--date', day(1), '--out', join(dir, 'warm'), '--workers', '2', '--quiet'], point);
        await paused.kill9();
        // The killed run held the cache's lock: the next run takes it over and commits.
        let { warm } = await night(dir, data, day(1));
        expect(cacheOf(warm).written).toBe(true);
        ({ warm } = await night(dir, data, day(1)));
        expect(cacheOf(warm).decoded).toEqual({});
        expect(cacheOf(warm).reused.length).toBe(lake.livePaths().length);
      } finally {
        lake.close();
      }
    });
  }
});

describe('the size limit, and a run that finds the cache being written', () => {
  it('beyond the limit the pieces with the oldest plays are left out; a run finding the cache locked leaves it to the other', async () => {
    const dir = tempDir('plays-cache-limit-');
    const data = join(dir, 'data');
    const lake = await NightlyLake.create({ data: base, out: data, layout: 'parquet', firstNight: FIRST, dailyDays: 4 });
    try {
      const { warm: first } = await night(dir, data, day(0));
      const older = cacheOf(first).reused.length === 0 ? lake.livePaths().map((p) => `plays/${p}`) : [];
      await lake.appendDay(day(0));
      // Room for the first night's cache, not for it and tonight's piece: the oldest plays go.
      const limited = await runCampaign({ dataDir: data, date: day(1), outDir: join(dir, 'warm'), workers: 2, playsCacheMaxBytes: cacheOf(first).bytes });
      expectEqual(cacheOf(limited).dropped['over the size limit'], older, 'files left out');
      expect(cacheOf(limited).bytes).toBeLessThanOrEqual(cacheOf(first).bytes);
      expect(cacheOf(limited).files).toBe(1);
      const { warm } = await night(dir, data, day(1));
      expectEqual(cacheOf(warm).decoded, { 'new file': older }, 'decoded again');

      // A run stopped while it holds the cache's lock: a second run reads the cache, writes nothing, and is exact.
      await lake.appendDay(day(1));
      const paused = await startPaused(['run', '--data', data, '--date', day(2), '--out', join(dir, 'paused'), '--state', join(dir, 'warm', 'state'), '--workers', '1', '--quiet'], 'plays-cache-before-index');
      const { warm: second } = await night(dir, data, day(2));
      expectEqual(cacheOf(second).not_written, 'another run is writing the cache', 'not written');
      expectEqual((await paused.resume()).code, 0, 'paused run exit code');
      const { warm: third } = await night(dir, data, day(2));
      expectEqual(cacheOf(third).decoded, {}, 'after the paused run committed');
    } finally {
      lake.close();
    }
  });
});
