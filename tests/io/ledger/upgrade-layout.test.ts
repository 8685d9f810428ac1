/**
 * Issue 17, item 13: ledger dates compacted before the columnar history copies existed (no
 * `<state>/history/<date>-<digest>.parquet` named in the snapshot header) are upgraded once, the
 * first time a run (a real `campaign run` process) meets them: afterwards the state directory is
 * byte for byte what a current version writes, and the run id and selection are the same before
 * and after. A SIGKILL in the middle of the upgrade leaves a ledger that reads the same, and the
 * next run finishes the upgrade. A delivery upgrades the date it delivers.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, test } from 'vitest';
import { generateDataset } from '../../../bench/workloads/generate/generate-dataset.js';
import { Sandbox, SANDBOX_DEFAULT_ACCOUNT_ID, SANDBOX_DEFAULT_PASSCODE } from '../../../bench/workloads/sandbox/sandbox-server.js';
import { deliverRun } from '../../../engine/delivery/deliver-run.js';
import { runCampaign } from '../../../engine/run-campaign.js';
import { oldLayoutDates, readAcceptedSends } from '../../../io/ledger/index.js';
import { buildAcceptedLedger } from '../../support/accepted-ledger.js';
import { cleanup } from '../../support/cleanup.js';
import { expectEqual } from '../../support/expect-equal.js';
import { startPaused } from '../../support/paused-cli.js';
import { readRunOutputs } from '../../support/read-run-outputs.js';
import { tempDir } from '../../support/temp-dir.js';
import { cli } from '../input/contract-fixture.js';
import { testDelivery, writeRunFixture } from '../../engine/delivery/run-fixture.js';

const D = '2026-11-22';
const root = tempDir('upgrade-layout-');
const data = join(root, 'data');
/** The ledger as the current version writes it: the reference every upgrade must reach. */
const current = join(root, 'state-current');
let reference: { runId: string; selection: unknown };

/** Every file of a state directory (relative path → bytes), locks aside. */
function stateFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && !e.name.endsWith('.lock')) files[relative(dir, join(e.parentPath, e.name))] = readFileSync(join(e.parentPath, e.name)).toString('base64');
  }
  return files;
}

/** Turns `stateDir` into an older version's: snapshot headers without `history`, no history directory. */
function toOldLayout(stateDir: string): void {
  for (const date of readdirSync(join(stateDir, 'ledger'))) {
    const path = join(stateDir, 'ledger', date, 'snapshot.tsv');
    const text = readFileSync(path, 'utf8');
    const newline = text.indexOf('\n');
    const header = JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
    delete header['history'];
    writeFileSync(path, JSON.stringify(header) + text.slice(newline));
  }
  rmSync(join(stateDir, 'history'), { recursive: true });
}

function oldState(name: string): string {
  const dir = join(root, name);
  cpSync(current, dir, { recursive: true });
  toOldLayout(dir);
  return dir;
}

function runArgs(stateDir: string, out: string): string[] {
  return ['run', '--data', data, '--date', D, '--out', out, '--state', stateDir, '--workers', '1', '--quiet', '--json'];
}

async function runOn(stateDir: string, out: string): Promise<{ runId: string; selection: unknown }> {
  const r = await cli(runArgs(stateDir, out));
  expectEqual(r.code, 0, r.stderr);
  return { runId: (JSON.parse(r.stdout) as { run_id: string }).run_id, selection: (await readRunOutputs(join(out, D))).selection };
}

beforeAll(async () => {
  await generateDataset({ profiles: 3000, seed: 11, date: D, outDir: data });
  const day1 = await runCampaign({ dataDir: data, date: D, outDir: join(root, 'day1'), workers: 1 });
  await buildAcceptedLedger(day1.outputDir, current, D, 3);
  reference = await runOn(current, join(root, 'out-current'));
});

test('a run upgrades the old-layout dates it reads, once: the same run id and selection, the files a current version writes', async () => {
  const old = oldState('state-old');
  expectEqual((await oldLayoutDates(old)).length, 3, 'old-layout dates');
  const upgraded = await runOn(old, join(root, 'out-old'));
  expectEqual(upgraded, reference, 'run id and selection');
  expectEqual(await oldLayoutDates(old), [], 'old-layout dates after the run');
  expectEqual(stateFiles(old), stateFiles(current), 'the state directory, byte for byte');

  // Once: the next run rewrites nothing.
  const stamps = (): number[] => readdirSync(join(old, 'ledger')).map((d) => statSync(join(old, 'ledger', d, 'snapshot.tsv')).mtimeMs);
  const before = stamps();
  expectEqual(await runOn(old, join(root, 'out-old-2')), reference, 'the next run');
  expectEqual(stamps(), before, 'snapshots untouched by the next run');
});

test('SIGKILL during the upgrade (copy written, snapshot not yet): the ledger reads the same, the next run finishes the upgrade', async () => {
  const old = oldState('state-killed');
  const accepted = await readAcceptedSends(current);
  const paused = await startPaused(runArgs(old, join(root, 'out-killed')), 'ledger-upgrade-history-written');
  await paused.kill9();
  expectEqual((await oldLayoutDates(old)).length, 3, 'old-layout dates at the kill');
  expectEqual(await readAcceptedSends(old), accepted, 'accepted sends read after the kill');
  expectEqual(await runOn(old, join(root, 'out-killed')), reference, 'run id and selection of the next run');
  expectEqual(await oldLayoutDates(old), [], 'old-layout dates after the next run');
  expectEqual(stateFiles(old), stateFiles(current), 'the state directory, byte for byte');
});

test('a delivery upgrades the old-layout date it delivers', async () => {
  const sandbox = await Sandbox.start();
  cleanup(() => sandbox.close());
  const out = tempDir();
  const fx = await writeRunFixture(out, { accounts: 50 });
  const deliver = (): ReturnType<typeof deliverRun> =>
    deliverRun({ outDir: out, date: fx.date, config: testDelivery(), credentials: { accountId: SANDBOX_DEFAULT_ACCOUNT_ID, passcode: SANDBOX_DEFAULT_PASSCODE, endpoint: sandbox.url } });
  expectEqual((await deliver()).accepted, 45);
  const state = join(out, 'state');
  const delivered = stateFiles(state);
  toOldLayout(state);
  expectEqual(await oldLayoutDates(state), [fx.date]);
  const again = await deliver();
  expectEqual([again.to_send, again.accepted, sandbox.stats().accepted], [0, 0, 45]);
  expectEqual(await oldLayoutDates(state), []);
  expectEqual(stateFiles(state), delivered, 'the state directory, byte for byte');
  assert.ok(Object.keys(delivered).some((f) => f.startsWith('history/')), 'the columnar copy');
});
