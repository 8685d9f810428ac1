/**
 * engine/load on real Parquet files: what the loaders make of the SPEC §2 columns (nullable
 * columns, show attributes, region mapping, tombstones, sends, id range, empty tables).
 */
import assert from 'node:assert/strict';
import { LocalDataset } from '../../../io/input/dataset.js';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { defaultConfig } from '../../../engine/config/default-config.js';
import { parseDay } from '../../../engine/dates.js';
import { CampaignError } from '../../../engine/errors.js';
import { loadDataset } from '../../../engine/load/load-dataset.js';
import { createShardRunner } from '../../../engine/pool/shard-runner.js';
import type { LoadedDataset } from '../../../engine/load/load-dataset.js';
import { SHOW_AVAILABLE, SHOW_AVOD_AVAILABLE } from '../../../engine/model/campaign-model.js';
import { expectEqual } from '../../support/expect-equal.js';
import { readRunOutputs } from '../../support/read-run-outputs.js';
import { tempDir } from '../../support/temp-dir.js';
import { D, ago, day } from '../../reference/fixtures.js';
import type { Dataset } from '../../reference/fixtures.js';
import { BASE, TABLES, run, variant, writeBase } from '../../io/input/contract-fixture.js';

const root = tempDir('load-dataset-');
let n = 0;

async function load(dataset: Dataset, config = defaultConfig()): Promise<LoadedDataset> {
  const dir = await writeBase(join(root, `data-${n++}`), dataset);
  return loadDataset({ dataset: new LocalDataset(dir), day: parseDay(D), config, ledgerWindow: [], ledgerAll: [], duckdbThreads: 1, runner: createShardRunner(0) });
}

const minimal: Dataset = {
  catalog: [{ content_id: 1, show_id: 1 }],
  accounts: [{ account_id: 1 }],
  profiles: [{ profile_id: 1, account_id: 1 }],
  plays: [],
  regions: [['US', 'na']],
};

describe('catalog', () => {
  it('show attributes come from the episode with the smallest content_id, whatever the file order', async () => {
    const loaded = await load({
      ...minimal,
      catalog: [
        { content_id: 30, show_id: 7, show_title: 'Late', category: 'comedy' },
        { content_id: 10, show_id: 7, show_title: 'First', category: 'drama' },
        { content_id: 20, show_id: 7, show_title: 'Middle', category: 'kids' },
        { content_id: 5, show_id: 3, show_title: 'Three', category: 'news' },
      ],
    });
    expectEqual([...loaded.labels.showIds], [3, 7], 'show ids');
    expectEqual(loaded.labels.showTitles, ['Three', 'First'], 'titles');
    expectEqual(loaded.labels.showCategories, ['news', 'drama'], 'categories');
  });

  it('availability on D: release_date ≤ D, expiry_date null or > D; AVOD only through an available episode', async () => {
    const loaded = await load({
      ...minimal,
      catalog: [
        { content_id: 1, show_id: 1, release_date: D }, // released today: available
        { content_id: 2, show_id: 2, release_date: day(-1) }, // tomorrow: not yet
        { content_id: 3, show_id: 3, expiry_date: D }, // expires today: gone
        { content_id: 4, show_id: 4, expiry_date: day(-1) }, // expires tomorrow: available
        { content_id: 5, show_id: 5, expiry_date: null, avod: true },
        { content_id: 6, show_id: 6, expiry_date: day(5), avod: true }, // expired AVOD episode...
        { content_id: 7, show_id: 6, avod: false }, // ...beside an available SVOD one
      ],
    });
    const flags = [...loaded.model.showFlags];
    expectEqual(flags.map((f) => f & SHOW_AVAILABLE), [1, 0, 0, 1, 1, 1], 'available');
    expectEqual(flags.map((f) => (f & SHOW_AVOD_AVAILABLE) >> 1), [0, 0, 0, 0, 1, 0], 'AVOD-available');
    expectEqual(loaded.counts['catalog'], { episodes: 7, shows: 6, available_shows: 4 }, 'catalog counts');
  });
});

describe('people', () => {
  it('region: profiles.country, else the account country, else default_region (orphans too)', async () => {
    const config = { ...defaultConfig(), default_region: 'elsewhere' };
    const loaded = await load(
      {
        ...minimal,
        accounts: [
          { account_id: 1, country: 'US' },
          { account_id: 2, country: 'BR' },
        ],
        profiles: [
          { profile_id: 10, account_id: 1 }, // US → na
          { profile_id: 11, account_id: 1, country: 'FR' }, // FR → eu
          { profile_id: 12, account_id: 2 }, // BR unmapped → default
          { profile_id: 13, account_id: 9 }, // orphan, no country → default
          { profile_id: 14, account_id: 9, country: 'US' }, // orphan with its own country
        ],
        regions: [
          ['US', 'na'],
          ['FR', 'eu'],
          ['US', 'na'], // a repeated identical mapping is not a conflict
        ],
      },
      config,
    );
    const regionOf = [...loaded.model.profileRegion].map((r) => loaded.regionNames[r]);
    expectEqual(regionOf, ['na', 'eu', 'elsewhere', 'elsewhere', 'na'], 'regions');
    expectEqual(loaded.counts['ineligible']!['orphan'], 2, 'orphans');
  });

  it('ids up to 2^53 − 1 are read exactly (neighbours stay distinct)', async () => {
    const big = Number.MAX_SAFE_INTEGER;
    const loaded = await load({
      ...minimal,
      accounts: [{ account_id: big }, { account_id: big - 1 }],
      profiles: [
        { profile_id: big, account_id: big },
        { profile_id: big - 1, account_id: big - 1 },
        { profile_id: big - 2, account_id: big },
      ],
      plays: [{ profile_id: big - 1, content_id: 1, ts: ago(1) }],
    });
    expectEqual([...loaded.labels.profileIds], [big - 2, big - 1, big], 'profile ids');
    expectEqual([...loaded.labels.accountIds], [big - 1, big], 'account ids');
    expectEqual([...loaded.model.profileAccount], [1, 0, 1], 'profile → account');
    expectEqual(loaded.counts['plays']!['counted'], 1, 'counted plays');
  });

  it('tombstones: a null column means "not this kind of id"; the rest of the row still applies', async () => {
    const loaded = await load({ ...BASE, tombstones: [{ account_id: 30, profile_id: null }, { account_id: null, profile_id: 101 }, { account_id: 77 }] });
    expectEqual(loaded.counts['accounts'], { rows: 5, tombstoned: 1 }, 'accounts');
    expectEqual(loaded.counts['profiles']!['tombstoned'], 3, 'profiles removed (101, 301, 302)');
    expectEqual([...loaded.labels.profileIds].includes(101), false, '101 removed');
    // 101's five plays in the window, 301's and 302's two
    expectEqual(loaded.counts['plays_dropped']!['tombstoned'], 6, 'plays of removed profiles');
    expectEqual(loaded.tombstones, { accountIds: [30, 77], profileIds: [101] }, 'tombstones');
  });
});

describe('sends', () => {
  it('the optional sends table (DATE, mixed int widths) joins the dedup history and the 7-day cap', async () => {
    const loaded = await load({
      ...BASE,
      sends: [
        { send_date: day(1), account_id: 10, profile_id: 101, show_id: 3 }, // in both windows
        { send_date: day(20), account_id: 10, profile_id: 101, show_id: 4 }, // dedup window only
        { send_date: day(29), account_id: 10, profile_id: 101, show_id: 7 }, // outside both
        { send_date: D, account_id: 10, profile_id: 101, show_id: 7 }, // today: not before D
        { send_date: day(2), account_id: 30, profile_id: 301, show_id: 1 },
      ],
    });
    expectEqual(loaded.counts['sends'], { table_rows: 5, ledger_rows: 0, tombstoned: 0, in_dedup_window: 3 }, 'sends counts');
    const a = (id: number): number => [...loaded.labels.accountIds].indexOf(id);
    expectEqual([loaded.model.accountSends7d[a(10)], loaded.model.accountSends7d[a(30)], loaded.model.accountSends7d[a(20)]], [1, 1, 0], 'sends in the last 7 days');
  });
});

describe('empty tables', () => {
  it('tables with zero rows load; the freshness guard stops a run over them, which with the guard off publishes empty outputs', async () => {
    const base = await writeBase(join(root, `data-${n++}`));
    const dir = await variant(base, join(root, `data-${n++}`), Object.fromEntries(TABLES.map((t) => [t, { select: 'SELECT * FROM {src} WHERE false' }])));
    await assert.rejects(run(dir, join(root, 'out-guarded')), (err: unknown) => err instanceof CampaignError && err.code === 'STALE_DATA' && /plays: no play in the history window .*; profiles: no eligible profile/.test(err.message));
    const result = await run(dir, join(root, 'out-empty'), { config: { freshness: { mode: 'off' } } });
    const out = await readRunOutputs(result.outputDir);
    expectEqual([out.selection.length, out.payloads.length, ...Object.values(out.scenarios).map((rows) => rows.length)], [0, 0, 0, 0, 0, 0], 'rows');
    expectEqual(result.counts['catalog'], { episodes: 0, shows: 0, available_shows: 0 }, 'catalog counts');
    expectEqual(result.counts['plays'], { rows: 0, read_in_history_window: 0, counted: 0 }, 'plays counts');
  });
});

describe('plays', () => {
  it('plays in profile order and the same plays shuffled give the same model columns', async () => {
    const plays = [
      { profile_id: 1, content_id: 1, ts: ago(3), watch_seconds: 100 },
      { profile_id: 1, content_id: 2, ts: ago(1), watch_seconds: 200 },
      { profile_id: 2, content_id: 1, ts: ago(2), watch_seconds: 300 },
      { profile_id: 2, content_id: 9, ts: ago(2), watch_seconds: 300 }, // unknown content: dropped
      { profile_id: 3, content_id: 2, ts: ago(5), watch_seconds: 10 }, // short: dropped
      { profile_id: 3, content_id: 1, ts: ago(4), watch_seconds: 400 },
    ];
    const dataset: Dataset = {
      catalog: [{ content_id: 1, show_id: 1 }, { content_id: 2, show_id: 2 }],
      accounts: [{ account_id: 1 }],
      profiles: [1, 2, 3].map((profile_id) => ({ profile_id, account_id: 1 })),
      plays,
      regions: [['US', 'na']],
    };
    const columns = (l: LoadedDataset): number[][] => [l.model.playOffsets, l.model.playContent, l.model.playDaysAgo, l.model.playSeconds].map((a) => Array.from(a));
    const grouped = await load(dataset);
    const shuffled = await load({ ...dataset, plays: [plays[5]!, plays[0]!, plays[2]!, plays[4]!, plays[1]!, plays[3]!] });
    expectEqual(columns(grouped), [[0, 2, 3, 4], [0, 1, 0, 0], [3, 1, 2, 4], [100, 200, 300, 400]], 'grouped input');
    expectEqual(columns(shuffled), [[0, 2, 3, 4], [0, 1, 0, 0], [3, 1, 2, 4], [100, 200, 300, 400]], 'shuffled input');
  });
});
