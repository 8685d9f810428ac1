import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { SCENARIOS } from '../../../engine/config/config-types.js';
import { configFromObject } from '../../../engine/config/resolve-config.js';
import { explainAccount } from '../../../engine/explain/explain-account.js';
import { runCampaign } from '../../../engine/run-campaign.js';
import { generateDataset } from '../../../bench/workloads/generate/generate-dataset.js';
import { query } from '../../io/parquet/duckdb-query.js';
import { mapLimit } from '../../io/input/contract-fixture.js';
import { expectEqual } from '../../support/expect-equal.js';
import { readRunOutputs } from '../../support/read-run-outputs.js';
import { tempDir } from '../../support/temp-dir.js';

const DATE = '2026-11-22';

/**
 * explain against the engine on a generated dataset (with a `sends` table, so dedup and the
 * frequency cap bite): for a sample of accounts of every kind, the recomputed choice equals the
 * selection row and every eligible profile's per-scenario top 5 equals the scenario files' rows,
 * scores to the bit. The expected rows are read here from the files, not from explain.
 */
test('explain reproduces the selection and every scenario row of sampled accounts', async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  await generateDataset({ profiles: 3000, seed: 31, date: DATE, outDir: data });
  const config = configFromObject({ selection: { max_sends_7d: 2 }, boosts: { drama: 1.5 }, scenarios: { trending: { exclude_categories: ['kids'] } } }, 'test');
  const run = await runCampaign({ dataDir: data, date: DATE, outDir: join(dir, 'out'), config, workers: 2 });
  const outputs = await readRunOutputs(run.outputDir);

  const profilesOf = new Map<number, number[]>();
  const accountOf = new Map<number, number>();
  for (const [profile, account] of (await query(`SELECT CAST(profile_id AS DOUBLE), CAST(account_id AS DOUBLE) FROM read_parquet('${join(data, 'profiles.parquet')}')`)) as [number, number][]) {
    profilesOf.set(account, [...(profilesOf.get(account) ?? []), profile]);
    accountOf.set(profile, account);
  }
  const accounts = new Set(((await query(`SELECT CAST(account_id AS DOUBLE) FROM read_parquet('${join(data, 'accounts.parquet')}')`)) as [number][]).map(([a]) => a));
  const selected = new Map(outputs.selection.map((r) => [r.account_id, r]));
  const pick = (rows: typeof outputs.selection, n: number): number[] => rows.slice(0, n).map((r) => r.account_id);
  const kinds = {
    holdout: pick(outputs.selection.filter((r) => r.status === 'holdout'), 10),
    capped: pick(outputs.selection.filter((r) => r.status === 'frequency_capped'), 10),
    avod: pick(outputs.selection.filter((r) => r.treatment === 'avod' && r.status === 'send'), 8),
    multiProfile: pick(outputs.selection.filter((r) => r.status === 'send' && profilesOf.get(r.account_id)!.length >= 3), 8),
    clusterChosen: pick(outputs.selection.filter((r) => r.status === 'send' && r.scenario === 'cluster_discovery'), 8),
    notInRollup: [...profilesOf.keys()].filter((a) => accounts.has(a) && !selected.has(a)).slice(0, 8),
  };
  for (const [kind, ids] of Object.entries(kinds)) assert.ok(ids.length >= 3, `too few ${kind} accounts: ${ids.length}`);
  const tombstoned = new Set(((await query(`SELECT CAST(account_id AS DOUBLE) FROM read_parquet('${join(data, 'tombstones.parquet')}') WHERE account_id IS NOT NULL`)) as [number][]).map(([a]) => a));
  const sample = [...new Set(Object.values(kinds).flat())].filter((a) => !tombstoned.has(a));
  assert.ok(sample.length >= 40, `sample of ${sample.length}`);

  const rowsByProfile = Object.fromEntries(SCENARIOS.map((s) => [s, new Map<number, [number, number, number][]>()]));
  for (const s of SCENARIOS) {
    for (const r of outputs.scenarios[s]) {
      const list = rowsByProfile[s]!.get(r.profile_id) ?? [];
      list.push([r.rank, r.show_id, r.score]);
      rowsByProfile[s]!.set(r.profile_id, list);
    }
  }

  const explanations = await mapLimit(sample, 2, (accountId) => explainAccount({ outDir: join(dir, 'out'), date: DATE, accountId }));
  let passedOver = 0;
  for (const e of explanations) {
    const id = e.account.accountId;
    const row = selected.get(id);
    if (row === undefined) expectEqual(e.selection, null, `account ${id} selection`);
    else {
      const s = e.selection!;
      expectEqual([s.profileId, s.status, s.status === 'no_candidates' ? null : s.scenario, s.status === 'no_candidates' ? null : s.showId], [row.profile_id, row.status, row.scenario, row.show_id], `account ${id} selection`);
      expectEqual([e.rfm.segment, e.rfm.treatment, e.account.crmId], [row.rfm_segment, row.treatment, row.crm_id], `account ${id} segment, treatment, crm_id`);
    }
    for (const p of e.profiles.filter((q) => q.eligible)) {
      for (const s of p.scenarios) {
        expectEqual(s.top.map((t): [number, number, number] => [t.rank, t.showId, t.score]), rowsByProfile[s.scenario]!.get(p.profileId) ?? [], `profile ${p.profileId} ${s.scenario}`);
        passedOver += s.excluded.length;
      }
    }
    for (const p of e.profiles.filter((q) => !q.eligible)) for (const s of SCENARIOS) expectEqual(rowsByProfile[s]!.get(p.profileId), undefined, `ineligible ${p.profileId} ${s}`);
    expectEqual(e.discrepancies, [], `account ${id} discrepancies`);
  }
  assert.ok(passedOver > 20, `exclusions met: ${passedOver}`);

  // A profile explains through its account.
  const profile = profilesOf.get(sample[0]!)![0]!;
  const viaProfile = await explainAccount({ outDir: join(dir, 'out'), date: DATE, profileId: profile });
  expectEqual([viaProfile.account.accountId, viaProfile.focusProfileId], [accountOf.get(profile), profile]);
});
