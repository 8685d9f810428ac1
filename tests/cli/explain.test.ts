import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { explainAccount } from '../../engine/explain/explain-account.js';
import { D, cli, run, variant, writeBase } from '../io/input/contract-fixture.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';

test('campaign explain prints the explanation as text or JSON; bad ids, dates and options are clear errors', async () => {
  const dir = tempDir();
  const data = await writeBase(join(dir, 'data'));
  const out = join(dir, 'out');
  await run(data, out);

  const text = await cli(['explain', '--out', out, '--date', D, '--account', '10']);
  expectEqual([text.code, text.stderr], [0, '']);
  assert.match(text.stdout, /^account 10 · crm_id \S+ · campaign 2026-11-22 · run 2026-11-22-[0-9a-f]{16}$/m);
  assert.match(text.stdout, /^outcome: (Targeted|Control group) — ".+" \(show \d+\) from [A-Z][a-z-]+( [a-z]+)?, for profile 101$/m);
  assert.match(text.stdout, /^ {2}why (targeted: not in|control group: in) the 10% control group \(hash [\d,]+ of 10,000 (≥|<) 1,000\)/m);
  assert.match(text.stdout, /^ {2}102 +no: inactive profile +1 +na /m);
  assert.doesNotMatch(text.stdout, /\b1 (viewers|shows|days|sends)\b/, 'nouns agree with their numbers');
  assert.match(text.stdout, /^profile 101 \(chosen by the rollup\)$/m);
  assert.match(text.stdout, /^the run's files agree with this explanation$/m);

  const json = await cli(['explain', '--out', out, '--date', D, '--profile', '101', '--json', '--data', data]);
  expectEqual(json.code, 0, json.stderr);
  const library = await explainAccount({ outDir: out, date: D, profileId: 101, dataDir: data });
  expectEqual(JSON.parse(json.stdout), JSON.parse(JSON.stringify(library)));

  // The CleverTap identity finds the same account, explained the same way.
  const library10 = await explainAccount({ outDir: out, date: D, accountId: 10, dataDir: data });
  const byCrm = await cli(['explain', '--out', out, '--date', D, '--crm-id', library10.account.crmId!, '--json', '--data', data]);
  expectEqual(byCrm.code, 0, byCrm.stderr);
  expectEqual(JSON.parse(byCrm.stdout), JSON.parse(JSON.stringify(library10)), '--crm-id explains the account of that identity');
  const noCrm = await cli(['explain', '--out', out, '--date', D, '--crm-id', 'crm-nobody']);
  expectEqual([noCrm.code, noCrm.stderr], [3, `campaign: crm_id 'crm-nobody' is not in the accounts of ${data}\n`]);
  const shared = await variant(data, join(dir, 'shared-crm'), { accounts: { select: "SELECT * REPLACE (CASE WHEN account_id IN (10, 30) THEN 'crm-shared' ELSE crm_id END AS crm_id) FROM {src}" } });
  const twice = await cli(['explain', '--out', out, '--date', D, '--crm-id', 'crm-shared', '--data', shared]);
  expectEqual([twice.code, twice.stderr], [3, "campaign: crm_id 'crm-shared' belongs to 2 accounts (10, 30): explain one of them with its account id\n"]);

  const unknown = await cli(['explain', '--out', out, '--date', D, '--account', '99']);
  expectEqual(unknown.code, 3);
  assert.match(unknown.stderr, /account 99 is not in the accounts/);
  const noRun = await cli(['explain', '--out', out, '--date', '2026-11-23', '--account', '10']);
  expectEqual(noRun.code, 3);
  assert.match(noRun.stderr, /no run for 2026-11-23/);
  for (const [args, message] of [
    [['--out', out, '--account', '10'], /--date is required/],
    [['--out', out, '--date', D], /exactly one of --account, --profile and --crm-id/],
    [['--out', out, '--date', D, '--account', '10', '--profile', '101'], /exactly one of --account, --profile and --crm-id/],
    [['--out', out, '--date', D, '--account', '10', '--crm-id', 'x'], /exactly one of --account, --profile and --crm-id/],
    [['--out', out, '--date', D, '--crm-id', ''], /--crm-id must not be empty/],
    [['--out', out, '--date', D, '--account', 'x1'], /--account must be a whole number/],
  ] as const) {
    const r = await cli(['explain', ...args]);
    expectEqual(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
});
