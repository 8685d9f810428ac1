/**
 * Reference implementation, phases 3–4 (SPEC §6–§7): rollup methods and ties, behavior and calendar
 * selection with fallback, avod treatment, RFM segments, frequency cap, holdout hash.
 */
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';
import { fnv1a32, fnv1a32Sql, runReference, runReferenceWithCounts } from './reference-campaign.js';
import type { ReferenceSend, SelectionRow } from './reference-campaign.js';
import { D, ago, config, day, writeDataset } from './fixtures.js';
import type { Dataset, Play } from './fixtures.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseDay } from '../../engine/dates.js';

/** Kids profiles 1000.. of account 900 that each play every one of `contents` at `ts`. */
function audience(firstId: number, n: number, account: number, contents: number[], ts: string, cluster: number | null = null): Pick<Dataset, 'profiles' | 'plays'> {
  const ids = Array.from({ length: n }, (_, i) => firstId + i);
  return {
    profiles: ids.map((profile_id) => ({ profile_id, account_id: account, is_kids: true, cluster_id: cluster })),
    plays: ids.flatMap((profile_id) => contents.map((content_id): Play => ({ profile_id, content_id, ts }))),
  };
}

function combine(base: Dataset, ...parts: Pick<Dataset, 'profiles' | 'plays'>[]): Dataset {
  return { ...base, profiles: [...base.profiles, ...parts.flatMap((p) => p.profiles)], plays: [...base.plays, ...parts.flatMap((p) => p.plays)] };
}

describe('reference: rollup', () => {
  const dir = join(tempDir('reference-rollup-'), 'data');
  const p = (profile_id: number, ts: string, watch_seconds: number): Play => ({ profile_id, content_id: 91, ts, watch_seconds });
  const data = combine({
    catalog: [{ content_id: 11, show_id: 1 }, { content_id: 21, show_id: 2 }, { content_id: 31, show_id: 3 }, { content_id: 91, show_id: 9 }, { content_id: 92, show_id: 9 }],
    accounts: [10, 20, 30, 40, 50, 900].map((account_id) => ({ account_id })),
    profiles: [
      { profile_id: 101, account_id: 10 }, { profile_id: 102, account_id: 10 }, { profile_id: 103, account_id: 10 },
      { profile_id: 202, account_id: 20 }, { profile_id: 201, account_id: 20 },
      { profile_id: 301, account_id: 30 }, { profile_id: 302, account_id: 30 },
      { profile_id: 401, account_id: 40 }, { profile_id: 402, account_id: 40, is_kids: true },
      { profile_id: 501, account_id: 50, status: 'inactive' }, { profile_id: 502, account_id: 50 },
    ],
    plays: [
      p(101, ago(5), 1000), p(101, ago(6), 1000), // 2000 s, 2 days, last D−5
      p(102, ago(20), 3000), // 3000 s, 1 day, last D−20
      p(103, ago(2), 100), p(103, ago(3), 100), p(103, ago(4), 100), // 300 s, 3 days, last D−2
      p(202, ago(10), 600), p(202, ago(12), 400), // ties with 201 on every method
      p(201, ago(10), 500), p(201, ago(11), 500),
      p(302, ago(80), 100), // 301 has no plays
      // 401 watched every pool show (1, 2, 3 and 9, which 5 profiles played this week) and all of show 9.
      ...[11, 21, 31, 91, 92].map((content_id): Play => ({ profile_id: 401, content_id, ts: ago(1) })),
      p(402, ago(1), 9000),
      p(501, ago(1), 9000), p(502, ago(1), 100),
    ],
    regions: [['US', 'na']],
  }, audience(1000, 3, 900, [11, 21, 31], ago(1)));
  const written = writeDataset(dir, data);
  const chosen = async (method: string): Promise<[number, number][]> => {
    await written;
    const { selection } = await runReference({ dataDir: dir, date: D, config: config({ rollup: { method } }), threads: 1 });
    return selection.map((s) => [s.account_id, s.profile_id]);
  };

  it('primary: most watch seconds; ties smallest profile_id; eligible profiles with rows only', async () => {
    expectEqual(await chosen('primary'), [[10, 102], [20, 201], [30, 302], [50, 502]], 'chosen');
  });
  it('dominant: most distinct play dates in the last 28 days', async () => {
    expectEqual(await chosen('dominant'), [[10, 103], [20, 201], [30, 301], [50, 502]], 'chosen');
  });
  it('last_active: latest play date, profiles without plays last', async () => {
    expectEqual(await chosen('last_active'), [[10, 103], [20, 201], [30, 302], [50, 502]], 'chosen');
  });
  it('accounts with no recommendation for an eligible profile do not reach rollup', async () => {
    await written;
    const { counts } = await runReferenceWithCounts({ dataDir: dir, date: D, config: config(), threads: 1 });
    // 40: its only eligible profile has nothing left to recommend; 900: no eligible profile at all.
    expectEqual([counts.rollupAccounts, counts.accountsWithoutRecommendation], [4, 2], '[rollup, without recommendation]');
  });
});

describe('reference: selection', () => {
  const dir = join(tempDir('reference-selection-'), 'data');
  const acc = (account_id: number, plan = 'svod'): Dataset['accounts'][number] => ({ account_id, plan });
  const play51 = (profile_id: number, n: number): Play => ({ profile_id, content_id: 51, ts: ago(n) });
  const data = combine({
    catalog: [
      { content_id: 11, show_id: 1 }, { content_id: 21, show_id: 2 }, { content_id: 31, show_id: 3 }, { content_id: 41, show_id: 4 },
      { content_id: 51, show_id: 5 }, { content_id: 52, show_id: 5 }, { content_id: 61, show_id: 6, avod: true },
    ],
    accounts: [acc(1), acc(2), acc(3), acc(4), acc(5), acc(6), acc(7), acc(8), acc(9), acc(10, 'avod'), acc(11, 'avod'), acc(12, 'avod'), acc(900), acc(901, 'avod')],
    profiles: [
      { profile_id: 11, account_id: 1, cluster_id: 10 }, { profile_id: 21, account_id: 2, cluster_id: 10 }, { profile_id: 31, account_id: 3, cluster_id: 10 },
      { profile_id: 41, account_id: 4 }, { profile_id: 51, account_id: 5 }, { profile_id: 61, account_id: 6, cluster_id: 10 },
      { profile_id: 71, account_id: 7, cluster_id: 10 }, { profile_id: 81, account_id: 8, cluster_id: 10 }, { profile_id: 91, account_id: 9, cluster_id: 10 },
      { profile_id: 101, account_id: 10 }, { profile_id: 111, account_id: 11 }, { profile_id: 121, account_id: 12, cluster_id: 10 },
    ],
    plays: [
      play51(11, 3), play51(21, 15), play51(31, 45), play51(51, 45), play51(61, 7), play51(71, 8), play51(81, 30), play51(91, 31),
      { profile_id: 111, content_id: 61, ts: ago(20) }, play51(121, 2), // 111: outside trending's 7 days, inside avod's 28
    ],
    regions: [['US', 'na']],
  },
  audience(1000, 3, 900, [11, 21, 31], ago(1)), // trending pool: 1, 2, 3, 6 (3 viewers each)
  audience(1010, 3, 900, [41], ago(20), 10), // cluster 10 pool: 4
  audience(1020, 3, 901, [61], ago(2))); // avod pool: 6
  const written = writeDataset(dir, data);
  const run = async (patch: Record<string, unknown>, extraSends?: ReferenceSend[]): Promise<SelectionRow[]> => {
    await written;
    return (await runReference({ dataDir: dir, date: D, config: config({ holdout: { bps: 0 }, ...patch }), threads: 1, extraSends })).selection;
  };
  const row = (account_id: number, profile_id: number, rfm_segment: string, treatment: string, scenario: string | null, show_id: number | null, status = 'send'): SelectionRow =>
    ({ account_id, profile_id, crm_id: `crm-${account_id}`, rfm_segment, treatment, scenario, show_id, status });
  const behavior = [
    row(1, 11, 'promising', 'svod', 're_engagement', 5), // 3 days
    row(2, 21, 'needs_attention', 'svod', 'trending', 1), // 15 days
    row(3, 31, 'hibernating', 'svod', 'cluster_discovery', 4), // 45 days
    row(4, 41, 'hibernating', 'svod', 'trending', 1), // no plays → cluster (none) → fallback re (none) → trending
    row(5, 51, 'hibernating', 'svod', 're_engagement', 5), // 45 days, no cluster → fallback re
    row(6, 61, 'promising', 'svod', 're_engagement', 5), // 7 days
    row(7, 71, 'promising', 'svod', 'trending', 1), // 8 days
    row(8, 81, 'needs_attention', 'svod', 'trending', 1), // 30 days
    row(9, 91, 'hibernating', 'svod', 'cluster_discovery', 4), // 31 days
    row(10, 101, 'hibernating', 'avod', 'avod', 6),
    row(11, 111, 'needs_attention', 'avod', null, null, 'no_candidates'), // watched show 6; trending rows do not help
    row(12, 121, 'promising', 'avod', 'avod', 6), // avod even though it is recent and has re_engagement
  ];

  it('behavior mode with the default fallback', async () => {
    expectEqual(await run({}), behavior, 'selection');
  });

  it('a custom fallback list, and a disabled scenario', async () => {
    const custom = behavior.map((r) => (r.account_id === 4 || r.account_id === 5 ? { ...r, scenario: null, show_id: null, status: 'no_candidates' } : r));
    expectEqual(await run({ selection: { fallback: ['cluster_discovery'] } }), custom, 'fallback [cluster_discovery]');
    // Accounts 4 and 11 only had trending rows: they no longer reach rollup at all.
    const noTrending = behavior.filter((r) => r.account_id !== 4 && r.account_id !== 11).map((r) => (r.scenario === 'trending' ? { ...r, scenario: 're_engagement', show_id: 5 } : r));
    expectEqual(await run({ scenarios: { trending: { enabled: false } } }), noTrending, 'trending disabled');
  });

  it('calendar mode: rotation[days since epoch mod length], then fallback; avod stays avod', async () => {
    const d = parseDay(D);
    expectEqual(d % 3, 1, 'D is rotation index 1 of 3');
    expectEqual(d % 2, 1, 'D is rotation index 1 of 2');
    const svod = (scenario: string, show: number) => (r: SelectionRow): SelectionRow => (r.treatment === 'avod' ? r : { ...r, scenario, show_id: show });
    expectEqual(await run({ selection: { mode: 'calendar' } }), behavior.map(svod('trending', 1)), 'default rotation');
    expectEqual(
      await run({ selection: { mode: 'calendar', rotation: ['cluster_discovery', 're_engagement', 'trending'] } }),
      behavior.map(svod('re_engagement', 5)).map((r) => (r.account_id === 4 ? { ...r, scenario: 'trending', show_id: 1 } : r)),
      're_engagement day',
    );
    expectEqual(
      await run({ selection: { mode: 'calendar', rotation: ['trending', 'cluster_discovery'] } }),
      behavior.map(svod('cluster_discovery', 4)).map((r) => {
        if (r.account_id === 4) return { ...r, scenario: 'trending', show_id: 1 };
        if (r.account_id === 5) return { ...r, scenario: 're_engagement', show_id: 5 };
        return r;
      }),
      'cluster_discovery day',
    );
  });

  it('frequency cap: sends in [D−7, D) per account, after merging the ledger', async () => {
    const s = (account_id: number, profile_id: number, n: number): ReferenceSend => ({ send_date: day(n), account_id, profile_id, show_id: 999, scenario: 'trending' });
    const sends = [
      s(1, 11, 1), s(1, 11, 7), // 2 in the window: capped
      s(2, 21, 1), s(2, 21, 8), // 1 in the window
      s(3, 31, 2), s(3, 31, 0), s(3, 31, 1), // D itself does not count: 2
      s(6, 61, 1), s(6, 61, 1), // the same send twice is one send
      s(11, 111, 1), s(11, 111, 3), // capped before no_candidates: keeps the (null) choice
    ];
    const capped = new Set([1, 3, 11]);
    expectEqual(
      await run({ selection: { max_sends_7d: 2 } }, sends),
      behavior.map((r) => (capped.has(r.account_id) ? { ...r, status: 'frequency_capped' } : r)),
      'max_sends_7d 2',
    );
    expectEqual(await run({}, sends), behavior, 'no cap by default');
    expectEqual(
      (await run({ selection: { max_sends_7d: 1 } }, sends)).filter((r) => r.status === 'frequency_capped').map((r) => r.account_id),
      [1, 2, 3, 6, 11],
      'max_sends_7d 1',
    );
  });

  it('holdout: fnv1a32(utf8(salt + ":" + account_id)) mod 10000 < bps', async () => {
    for (const [salt, bps] of [['holdout-v1', 5000], ['sälz ✓', 3000]] as const) {
      const expected = behavior.map((r) => (r.status === 'send' && fnv1a32(`${salt}:${r.account_id}`) % 10000 < bps ? { ...r, status: 'holdout' } : r));
      const holdouts = expected.filter((r) => r.status === 'holdout').length;
      expectEqual(holdouts > 0 && holdouts < 11, true, `${salt}: a mix of holdout and send (${holdouts})`);
      expectEqual(await run({ holdout: { salt, bps } }), expected, `salt ${salt}`);
    }
    expectEqual((await run({ holdout: { salt: 'x', bps: 10000 } })).map((r) => r.status), behavior.map((r) => (r.status === 'send' ? 'holdout' : r.status)), 'bps 10000');
  });

  it('fnv1a32 matches the published FNV-1a test vectors, in TS and in SQL', async () => {
    expectEqual(fnv1a32(''), 0x811c9dc5, 'empty');
    expectEqual(fnv1a32('a'), 0xe40c292c, 'a');
    expectEqual(fnv1a32('foobar'), 0xbf9cf968, 'foobar');
    expectEqual(fnv1a32('bar', fnv1a32('foo')), 0xbf9cf968, 'continued');
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const conn = await instance.connect();
    const reader = await conn.runAndReadAll(`SELECT CAST(${fnv1a32Sql(`'a'`)} AS DOUBLE), CAST(${fnv1a32Sql(`'bar'`, fnv1a32('foo'))} AS DOUBLE),
      CAST(${fnv1a32Sql(`'12345678901234'`, fnv1a32('holdout-v1:'))} AS DOUBLE)`);
    expectEqual(reader.getRowsJS()[0], [0xe40c292c, 0xbf9cf968, fnv1a32('holdout-v1:12345678901234')], 'SQL');
    conn.closeSync();
    instance.closeSync();
  });
});

describe('reference: RFM segments', () => {
  const dir = join(tempDir('reference-rfm-'), 'data');
  const plays: Play[] = [];
  const daily = (profile_id: number, from: number, count: number, watch_seconds: number): void => {
    for (let i = 0; i < count; i++) plays.push({ profile_id, content_id: 91, ts: ago(from + i), watch_seconds });
  };
  daily(1, 1, 20, 10_800); // R5, F 20 → 5, M 60 h → 5: champions
  daily(2, 15, 12, 600); // last D−15 → R3, F 12 → 4: loyal
  daily(3, 1, 12, 600); // R5, F4: champions
  daily(4, 5, 6, 600); // last D−5, 6 days
  daily(5, 1, 1, 7200); // M exactly 2 h → 2
  daily(6, 1, 1, 7199); // M just under 2 h → 1
  plays.push({ profile_id: 71, content_id: 91, ts: ago(3) }, { profile_id: 72, content_id: 91, ts: ago(3) }); // two profiles, same date: F counts 1
  plays.push({ profile_id: 72, content_id: 91, ts: ago(4) });
  const data = combine({
    catalog: [{ content_id: 11, show_id: 1 }, { content_id: 91, show_id: 9 }, { content_id: 92, show_id: 9 }],
    accounts: [1, 2, 3, 4, 5, 6, 7, 900].map((account_id) => ({ account_id })),
    profiles: [1, 2, 3, 4, 5, 6].map((id) => ({ profile_id: id, account_id: id })).concat([{ profile_id: 71, account_id: 7 }, { profile_id: 72, account_id: 7 }]),
    plays,
    regions: [['US', 'na']],
  }, audience(1000, 3, 900, [11], ago(1)));
  const written = writeDataset(dir, data);
  const segments = async (patch: Record<string, unknown>): Promise<string[]> => {
    await written;
    const { selection } = await runReference({ dataDir: dir, date: D, config: config(patch), threads: 1 });
    return selection.map((s) => s.rfm_segment);
  };

  it('default thresholds and rules', async () => {
    expectEqual(await segments({}), ['champions', 'loyal', 'champions', 'promising', 'promising', 'promising', 'promising'], 'segments');
  });

  it('configured thresholds and rules with every bound (first match wins)', async () => {
    const rfm = {
      r_days: [1, 2, 3, 4],
      segments: [
        { name: 'at_risk', r_max: 2, f_min: 3 },
        { name: 'heavy', m_min: 5 },
        { name: 'two_hours', m_min: 2, m_max: 2 },
        { name: 'f2', f_min: 2, f_max: 2, r_min: 1 },
        { name: 'rest' },
      ],
    };
    // 1: R5 F5 M5 → heavy · 2: R1 F4 → at_risk · 3: R5 F4 M2 (12×600 s = 2 h) → two_hours · 4: R1 (5 days) F3 → at_risk
    // 5: M2 → two_hours · 6: rest · 7: F 2 distinct dates → f2
    expectEqual(await segments({ rfm }), ['heavy', 'at_risk', 'two_hours', 'at_risk', 'two_hours', 'rest', 'f2'], 'segments');
  });
});
