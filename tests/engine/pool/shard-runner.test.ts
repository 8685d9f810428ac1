import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { MessageChannel } from 'node:worker_threads';
import { test } from 'vitest';
import { Piscina } from 'piscina';
import { AbortedError } from '../../../io/errors.js';
import type { CampaignModel } from '../../../engine/model/campaign-model.js';
import { sharedFloat64, sharedInt32, sharedUint16, sharedUint8 } from '../../../engine/model/shared-arrays.js';
import { createResults } from '../../../engine/phases/campaign-results.js';
import { phaseParams } from '../../../engine/phases/phase-params.js';
import { defaultConfig } from '../../../engine/config/default-config.js';
import { MovedReply, movedBuffers } from '../../../engine/pool/moved-reply.js';
import { createShardRunner } from '../../../engine/pool/shard-runner.js';
import { unpackCounts } from '../../../engine/pool/worker-protocol.js';
import { expectEqual } from '../../support/expect-equal.js';

/** Two accounts of one profile each, one cluster, one region, two shows of one episode each. */
function tinyModel(): CampaignModel {
  const i32 = (v: number[]): Int32Array => Object.assign(sharedInt32(v.length), v) as Int32Array;
  const u8 = (v: number[]): Uint8Array => Object.assign(sharedUint8(v.length), v) as Uint8Array;
  const u16 = (v: number[]): Uint16Array => Object.assign(sharedUint16(v.length), v) as Uint16Array;
  const f64 = (v: number[]): Float64Array => Object.assign(sharedFloat64(v.length), v) as Float64Array;
  return {
    day: 20000,
    profileCount: 2,
    accountCount: 2,
    showCount: 2,
    contentCount: 2,
    clusterCount: 1,
    regionCount: 1,
    playOffsets: i32([0, 2, 3]),
    playContent: i32([0, 1, 1]),
    playDaysAgo: u16([3, 40, 2]),
    playSeconds: i32([600, 900, 300]),
    contentShow: i32([0, 1]),
    contentFlags: u8([1, 1]),
    showFlags: u8([1, 1]),
    showAvailableEpisodes: i32([1, 1]),
    showNewEpisodes: i32([0, 0]),
    showBoost: f64([1, 1]),
    showAllowed: u8([1, 1, 1, 1, 1, 1, 1, 1]),
    profileAccount: i32([0, 1]),
    profileCluster: i32([0, 0]),
    profileRegion: i32([0, 0]),
    profileIneligible: u8([0, 0]),
    profileAvodPlan: u8([0, 0]),
    accountProfileOffsets: i32([0, 1, 2]),
    accountProfiles: i32([0, 1]),
    accountAvodPlan: u8([0, 0]),
    accountSends7d: i32([0, 0]),
    orphanProfiles: i32([]),
    sentOffsets: i32([0, 0, 0]),
    sentShows: i32([]),
  };
}

test('worker threads write results into the shared arrays the main thread reads', async () => {
  const runner = createShardRunner(2);
  try {
    const model = tinyModel();
    const results = createResults(2, 2);
    const params = phaseParams(defaultConfig());
    const replies = await Promise.all([
      runner.run({ kind: 'profile-pass', model, params, results, shard: { accountFrom: 0, accountTo: 1, orphanFrom: 0, orphanTo: 0 } }),
      runner.run({ kind: 'profile-pass', model, params, results, shard: { accountFrom: 1, accountTo: 2, orphanFrom: 0, orphanTo: 0 } }),
    ]);
    // Profile 0 watched 1500 s, last 3 days ago; profile 1: 300 s, 2 days ago — written by the workers.
    expectEqual(Array.from(results.profileSeconds), [1500, 300]);
    expectEqual(Array.from(results.profileLastDaysAgo), [3, 2]);
    const counts = replies.map((r) => (r.kind === 'profile-pass' ? unpackCounts(model, r.packed) : assert.fail('wrong reply')));
    // Cluster window 28 days: profile 0 counts for show 0 only (show 1 was 40 days ago); profile 1 for show 1.
    expectEqual(Array.from(counts[0]!.cluster), [1, 0]);
    expectEqual(Array.from(counts[1]!.cluster), [0, 1]);
    for (const r of replies) if (r.kind === 'profile-pass') assert.ok(!(r.packed.buffer instanceof SharedArrayBuffer), 'counts come back in their own buffer');
  } finally {
    await runner.close();
  }
});

test('a profile-pass reply transfers its count buffer instead of copying it', () => {
  const packed = new Uint32Array([1, 2, 3, 4]);
  const reply = { kind: 'profile-pass' as const, packed };
  const moved = Piscina.move(new MovedReply(reply, movedBuffers(reply)) as unknown as ArrayBuffer) as unknown as Record<symbol, unknown>;
  const transferList = moved[Piscina.transferableSymbol] as ArrayBuffer[];
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(moved[Piscina.valueSymbol], transferList);
  port1.close();
  port2.close();
  // A transferred ArrayBuffer is detached on the sending side: the worker kept no copy.
  expectEqual(packed.buffer.byteLength, 0);
});

test('a closing or closed pool refuses tasks instead of starting threads for them', async () => {
  const runner = createShardRunner(1);
  const task = { kind: 'describe-inputs' as const, dataDir: '.', sources: [] };
  expectEqual(await runner.run(task), { kind: 'describe-inputs', files: [] });
  const closing = runner.close();
  await assert.rejects(runner.run(task), (err: unknown) => err instanceof AbortedError);
  await closing;
  await assert.rejects(runner.run(task), (err: unknown) => err instanceof AbortedError);
});

test('a pool closed while its threads load their modules ends its process normally', async () => {
  // The process exits right after close(): had a thread still been loading DuckDB or roaring when
  // it was terminated, the process would abort (134). Eight processes at once, closing at
  // staggered moments of their threads' loads, contend for the cores as a loaded CI machine does.
  // Without the wait such an exit aborts only about once in a hundred, so this guards the path;
  // worker-loads.test.ts tests the wait itself.
  const script = `
    const { createShardRunner } = await import(${JSON.stringify(new URL('../../../engine/pool/shard-runner.js', import.meta.url).href)});
    const runner = createShardRunner(2);
    setTimeout(async () => { await runner.close(); process.exit(7); }, Number(process.argv[1]));`;
  const exits = await Promise.all(
    Array.from({ length: 8 }, (_, i) => new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, String(i * 80)], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.once('exit', (code, signal) => resolve(`${code ?? signal}${stderr === '' ? '' : `: ${stderr.split('\n')[0]}`}`));
    })),
  );
  expectEqual(exits, Array.from({ length: 8 }, () => '7'));
}, 60_000);

test('a reply posted before the pool closed and read after it is dropped, not thrown', async () => {
  // The run failed on a full disk while a worker's own write was failing too: its reply waits in
  // the port when close() forgets the task. Piscina emitted it as an 'error' with no listener,
  // and the process crashed ("Unexpected message from Worker") instead of printing one line.
  const uncaught: unknown[] = [];
  const record = (err: unknown): void => void uncaught.push(err);
  process.on('uncaughtException', record);
  try {
    const runner = createShardRunner(1);
    const task = { kind: 'describe-inputs' as const, dataDir: '.', sources: [] };
    await runner.run(task);
    const late = runner.run(task);
    late.catch(() => undefined);
    // Block this thread while the worker answers, so the answer is queued, then close at once.
    const until = performance.now() + 300;
    while (performance.now() < until);
    await runner.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('uncaughtException', record);
  }
  expectEqual(uncaught.map(String), []);
});
