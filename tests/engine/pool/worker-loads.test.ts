/**
 * A pool's threads record on a shared board once their modules are loaded; a closing pool waits
 * for the threads it names (a thread terminated while it loads aborts the process). Real worker
 * threads record after a delay.
 */
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { test } from 'vitest';
import { loadsSettled, newLoadBoard } from '../../../engine/pool/worker-loads.js';
import { expectEqual } from '../../support/expect-equal.js';

const RECORD_LATER = new URL('../../../engine/pool/worker-loads.js', import.meta.url).href;

/** A thread that records its load on `board` after `delayMs`, then stays alive until terminated. */
function laterLoader(board: Int32Array, delayMs: number): Worker {
  const source = `
    const { threadId, workerData } = require('node:worker_threads');
    import(${JSON.stringify(RECORD_LATER)}).then(({ recordLoaded }) => setTimeout(() => recordLoaded(workerData.board, threadId), workerData.delayMs));
    setInterval(() => {}, 1000);`;
  return new Worker(source, { eval: true, workerData: { board, delayMs } });
}

test('waits until every named thread has recorded its load', async () => {
  const board = newLoadBoard();
  const workers = [laterLoader(board, 150), laterLoader(board, 300)];
  try {
    await loadsSettled(board, workers.map((w) => w.threadId), 20_000);
    expectEqual(new Set(board.subarray(1, 1 + Atomics.load(board, 0))), new Set(workers.map((w) => w.threadId)));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
});

test('a thread not named is not waited for', async () => {
  const board = newLoadBoard();
  const named = laterLoader(board, 50);
  const other = laterLoader(board, 10_000);
  try {
    await loadsSettled(board, [named.threadId], 20_000);
    expectEqual(Array.from(board.subarray(0, 2)), [1, named.threadId]);
  } finally {
    await Promise.all([named.terminate(), other.terminate()]);
  }
});

test('a thread that never records ends the wait at the timeout', async () => {
  const board = newLoadBoard();
  const started = performance.now();
  await loadsSettled(board, [123_456], 200);
  const waited = performance.now() - started;
  assert.ok(waited >= 190 && waited < 5_000, `waited ${Math.round(waited)} ms`);
  expectEqual(Atomics.load(board, 0), 0);
});
