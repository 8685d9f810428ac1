import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { deliverRun } from '../../engine/delivery/deliver-run.js';
import { Sandbox, SANDBOX_DEFAULT_ACCOUNT_ID, SANDBOX_DEFAULT_PASSCODE } from '../../bench/workloads/sandbox/sandbox-server.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';
import { testDelivery, writeRunFixture } from '../engine/delivery/run-fixture.js';

const MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

function deadLetters(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, 'dead-letters', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('lists dead letters with code and reason, as a table or JSON', async () => {
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 100 });
  const sandbox = await Sandbox.start({ faults: { unprocessed: { permanent: 0.15 } } });
  let dead: number;
  try {
    const summary = await deliverRun({ outDir: out, date: fx.date, config: testDelivery(), credentials: { accountId: SANDBOX_DEFAULT_ACCOUNT_ID, passcode: SANDBOX_DEFAULT_PASSCODE, endpoint: sandbox.url } });
    dead = summary.dead_letter.total;
  } finally {
    await sandbox.close();
  }
  assert.ok(dead > 0);
  const table = deadLetters('--out', out, '--date', fx.date);
  expectEqual(table.status, 0, table.stderr);
  assert.match(table.stdout, /^account_id +status +code +attempts +profile_id +show_id +reason$/m);
  assert.match(table.stdout, /dead_letter +512 +1 /);
  assert.match(table.stdout, new RegExp(`^${dead} records? for ${fx.date}:\\n  ${dead} × 512 Invalid event structure$`, 'm'));

  const json = deadLetters('--state', join(out, 'state'), '--date', fx.date, '--json');
  const rows = JSON.parse(json.stdout) as { campaign_date: string; status: string; code: number; reason: string; crm_id: string }[];
  expectEqual(rows.length, dead);
  expectEqual([rows[0]!.campaign_date, rows[0]!.status, rows[0]!.code, rows[0]!.reason], [fx.date, 'dead_letter', 512, 'Invalid event structure']);

  const none = deadLetters('--out', out, '--date', '2026-11-23');
  expectEqual([none.status, none.stdout.trim()], [0, 'no dead letters or held records for 2026-11-23']);
});

test('bad arguments exit 2 naming the option', () => {
  const r = deadLetters('--out', 'x');
  expectEqual(r.status, 2);
  assert.match(r.stderr, /--date is required/);
  assert.match(deadLetters('--out', 'x', '--date', 'tomorrow').stderr, /--date must be a calendar date/);
});
