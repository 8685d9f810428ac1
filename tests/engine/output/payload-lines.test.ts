/**
 * payloads.ndjson (SPEC §8) is written from a hand-assembled template for speed; every line must
 * still be exactly JSON.stringify of the record built from the published Parquet outputs, including
 * titles and crm_ids that need JSON escaping.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { dayToUnixSeconds, parseDay } from '../../../engine/dates.js';
import { expectEqual } from '../../support/expect-equal.js';
import { readRunOutputs } from '../../support/read-run-outputs.js';
import { tempDir } from '../../support/temp-dir.js';
import { ago, config, D, writeDataset } from '../../reference/fixtures.js';
import type { Dataset } from '../../reference/fixtures.js';
import { run } from '../../io/input/contract-fixture.js';

const TITLES: Record<number, string> = {
  1: 'He said "hi" \\ back',
  2: 'Tab\there, newline\nthere, bell\u0007',
  3: 'Crème brûlée 🎬 \u2028 end',
  4: 'Plain',
};
const CRM_IDS = ['crm-"quoted"', 'crm-\\back', 'crm-ünï-😀', 'crm-\u0001ctl'];

const dataset: Dataset = {
  catalog: Object.keys(TITLES).flatMap((k) => {
    const show = Number(k);
    return [10 * show + 1, 10 * show + 2].map((content_id) => ({ content_id, show_id: show, show_title: TITLES[show]! }));
  }),
  accounts: CRM_IDS.map((crm_id, i) => ({ account_id: 100 + i, crm_id })),
  profiles: CRM_IDS.map((_, i) => ({ profile_id: 1000 + i, account_id: 100 + i })),
  // Every profile played the first episode of every show: re_engagement ranks all four.
  plays: CRM_IDS.flatMap((_, i) => Object.keys(TITLES).map((k) => ({ profile_id: 1000 + i, content_id: 10 * Number(k) + 1, ts: ago(2), watch_seconds: 100 * (Number(k) + i) }))),
  regions: [['US', 'north-america']],
};

const root = tempDir('payload-lines-');
let outDir = '';
beforeAll(async () => {
  const dataDir = join(root, 'data');
  await writeDataset(dataDir, dataset);
  outDir = (await run(dataDir, join(root, 'out'), { workers: 0, config: config({ holdout: { bps: 0 } }) })).outputDir;
});

describe('payloads.ndjson', () => {
  it('every line is JSON.stringify of the record re-derived from selection, scenarios and the catalog', async () => {
    const outputs = await readRunOutputs(outDir);
    const runId = (JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as { run_id: string }).run_id;
    const expected = outputs.selection
      .filter((row) => row.status === 'send')
      .map((row) => {
        const ranks = outputs.scenarios[row.scenario as keyof typeof outputs.scenarios].filter((r) => r.profile_id === row.profile_id);
        return JSON.stringify({
          identity: row.crm_id,
          type: 'event',
          evtName: 'crm_recommendation',
          ts: dayToUnixSeconds(parseDay(D)),
          evtData: {
            campaign_date: D,
            show_id: row.show_id,
            show_title: TITLES[row.show_id!],
            scenario: row.scenario,
            rfm_segment: row.rfm_segment,
            treatment: row.treatment,
            profile_id: row.profile_id,
            alternates: ranks.filter((r) => r.rank > 1).map((r) => r.show_id).join(','),
            run_id: runId,
          },
        });
      });
    expectEqual(expected.length, CRM_IDS.length, 'send accounts');
    expectEqual(outputs.payloads, expected, 'payload lines');
  });
});
