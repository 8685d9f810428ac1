/**
 * The library API (runCampaign as a job runner embeds it): progress events, cancellation, and
 * outputs that do not depend on how many worker threads ran the shard passes.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { AbortedError } from '../../../engine/errors.js';
import type { ProgressEvent } from '../../../engine/progress.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { D, readOutputs, run, writeBase } from '../../io/input/contract-fixture.js';

const root = tempDir('run-api-');
const base = join(root, 'base');
beforeAll(() => writeBase(base));

const PHASES = ['load', 'profiles', 'pools', 'recommend', 'validate', 'write'];

describe('progress events', () => {
  it('start and end once per phase, in order load, profiles, pools, recommend, validate, write; progress only inside its phase', async () => {
    const events: ProgressEvent[] = [];
    const result = await run(base, join(root, 'progress'), { workers: 2, onProgress: (e) => events.push(e) });
    const edges = events.filter((e) => e.state !== 'progress').map((e) => `${e.state} ${e.phase}`);
    expectEqual(edges, PHASES.flatMap((p) => [`start ${p}`, `end ${p}`]), 'start/end events');
    let open: string | null = null;
    for (const e of events) {
      if (e.state === 'start') open = e.phase;
      else if (e.state === 'progress') expectEqual(e.phase, open, 'phase of a progress event');
      else {
        expectEqual(e.phase, open, 'phase ended');
        assert.ok(typeof e.elapsedMs === 'number' && e.elapsedMs >= 0, `elapsedMs of ${e.phase}`);
        open = null;
      }
    }
    // load reports its steps; the shard passes report done of total shards.
    assert.ok(events.some((e) => e.phase === 'load' && e.state === 'progress' && e.detail === 'plays'), 'load progress for plays');
    const shardEvents = events.filter((e) => e.phase === 'recommend' && e.state === 'progress');
    assert.ok(shardEvents.length > 0 && shardEvents.every((e) => e.total === shardEvents.length), 'recommend progress counts shards');
    expectEqual(shardEvents.map((e) => e.done), shardEvents.map((_, i) => i + 1), 'recommend progress done');
    for (const p of PHASES) assert.ok(typeof result.timingsMs[p] === 'number', `timing of ${p}`);
  });
});

describe('cancellation', () => {
  it('an already-aborted signal: AbortedError before anything is touched', async () => {
    const out = join(root, 'aborted');
    const abort = new AbortController();
    abort.abort();
    const events: ProgressEvent[] = [];
    await assert.rejects(run(base, out, { signal: abort.signal, onProgress: (e) => events.push(e) }), (e: unknown) => e instanceof AbortedError && e.code === 'ABORTED');
    expectEqual(existsSync(out), false, 'output root created');
    expectEqual(events, [], 'events');
  });

  it('a signal aborted during a phase stops the run at the next phase boundary, nothing published', async () => {
    const out = join(root, 'aborted-mid');
    const abort = new AbortController();
    const started: string[] = [];
    await assert.rejects(
      run(base, out, {
        signal: abort.signal,
        onProgress: (e) => {
          if (e.state === 'start') started.push(e.phase);
          if (e.phase === 'pools' && e.state === 'end') abort.abort();
        },
      }),
      AbortedError,
    );
    expectEqual(started, ['load', 'profiles', 'pools'], 'phases started');
    expectEqual(existsSync(join(out, D)), false, `${D}/ published`);
  });
});

describe('worker threads', () => {
  it('workers: 0 (inline) and workers: 2 publish byte-identical scenario, selection and payload files', async () => {
    const files = ['scenarios/cluster_discovery.parquet', 'scenarios/re_engagement.parquet', 'scenarios/trending.parquet', 'scenarios/avod.parquet', 'selection.parquet', 'payloads.ndjson'];
    const inline = await run(base, join(root, 'w0'), { workers: 0 });
    const pooled = await run(base, join(root, 'w2'), { workers: Math.min(2, availableParallelism()) });
    expectEqual(pooled.runId, inline.runId, 'run id');
    expectEqual(readOutputs(pooled.outputDir, files), readOutputs(inline.outputDir, files), 'files');
    expectEqual([inline.manifest['workers'], pooled.manifest['workers']], [0, Math.min(2, availableParallelism())], 'manifest workers');
  });

  it('more workers than cores are capped at the core count (a thread per extra worker would only cost memory)', async () => {
    const result = await run(base, join(root, 'many-workers'), { workers: availableParallelism() + 14 });
    expectEqual(result.manifest['workers'], availableParallelism(), 'manifest workers');
  });

  it('a negative or fractional worker count is refused', async () => {
    for (const workers of [-1, 1.5]) await assert.rejects(run(base, join(root, 'bad-workers'), { workers }), /workers must be a whole number ≥ 0/);
    expectEqual(existsSync(join(root, 'bad-workers', D)), false, 'published');
  });
});
