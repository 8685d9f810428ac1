/**
 * The library API (runCampaign as a job runner embeds it): progress events, cancellation, and
 * outputs that do not depend on how many worker threads ran the shard passes.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { AbortedError, ConfigError } from '../../../engine/errors.js';
import type { PartialConfig } from '../../../engine/config/config-types.js';
import { configFromObject } from '../../../engine/config/resolve-config.js';
import { runCampaign } from '../../../engine/run-campaign.js';
import { GENERATED_DATE, generatedDataset } from '../../support/generated-dataset.js';
import type { ProgressEvent } from '../../../engine/progress.js';
import { query } from '../../io/parquet/duckdb-query.js';
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
    // Every phase counts done of total in its unit; the load its input rows, the passes their accounts.
    assert.ok(events.some((e) => e.phase === 'load' && e.state === 'progress' && e.detail === 'plays'), 'load progress for plays');
    const units = { load: 'rows', profiles: 'accounts', pools: 'steps', recommend: 'accounts', validate: 'steps', write: 'files' };
    const ends = events.filter((e) => e.state === 'end');
    expectEqual(
      ends.map((e): unknown[] => [e.phase, e.unit, e.done === e.total]),
      PHASES.map((p) => [p, units[p as keyof typeof units], true]),
      'end events: unit, done = total',
    );
    // The load's total: every row of every input file, as the Parquet footers say (DuckDB reads them independently).
    const [[footerRows]] = await query(`SELECT sum(num_rows) FROM parquet_file_metadata('${base}/**/*.parquet')`);
    const end = (phase: string): ProgressEvent => ends.find((e) => e.phase === phase)!;
    expectEqual([end('load').total, end('profiles').total, end('write').total], [footerRows, result.counts.rollup.accounts, 6], 'totals');
    for (const e of events) if (e.state === 'progress' && e.done !== undefined) assert.ok(e.total !== undefined && e.done <= e.total, `${e.phase} progress within its total`);
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

describe('an abort during the load (the workers decoding the plays)', () => {
  it('rejects within a second with an AbortedError that keeps the reason; nothing published, the lock released', async () => {
    const data = await generatedDataset(60_000, 4);
    const out = join(root, 'aborted-load');
    const abort = new AbortController();
    const reason = new Error('the job runner is shutting down');
    let abortedAt = 0;
    const outcome = await runCampaign({
      dataDir: data,
      date: GENERATED_DATE,
      outDir: out,
      signal: abort.signal,
      onProgress: (e) => {
        if (abortedAt === 0 && e.phase === 'load' && e.detail === 'plays') {
          abortedAt = performance.now();
          abort.abort(reason);
        }
      },
    }).then(
      () => null,
      (err: unknown) => err,
    );
    const latency = performance.now() - abortedAt;
    assert.ok(outcome instanceof AbortedError, String(outcome));
    expectEqual([outcome.reason, outcome.message, outcome.exit], [reason, 'run aborted (the job runner is shutting down)', 'ABORTED']);
    assert.ok(latency < 1000, `rejected ${Math.round(latency)} ms after abort()`);
    expectEqual(readdirSync(out).filter((e) => e !== '.runs'), [], 'nothing published, no lock');
  });
});

describe('config objects', () => {
  it('a partial object is merged over the defaults exactly as a YAML file is', async () => {
    const result = await run(base, join(root, 'partial'), { config: { boosts: { holiday: 2 }, scenarios: { trending: { window_days: 14 } } } });
    const effective = result.manifest.effective_config;
    expectEqual([effective.boosts, effective.scenarios.trending.window_days, effective.scenarios.trending.pool_size, effective.history_days], [{ holiday: 2 }, 14, 200, 90]);
    expectEqual(effective, configFromObject({ boosts: { holiday: 2 }, scenarios: { trending: { window_days: 14 } } }, 'same'), 'as a file would give');
  });

  it('a bad key or value is a ConfigError naming the key, before anything is read', async () => {
    await assert.rejects(run(base, join(root, 'bad-config'), { config: { scenarios: { trendng: { window_days: 14 } }, history_days: 0 } as PartialConfig }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      expectEqual(err.message, "config (object):\n  history_days: must be ≥ 1, got 0\n  scenarios.trendng: unknown config key (did you mean 'scenarios.trending'?)");
      return true;
    });
    expectEqual(existsSync(join(root, 'bad-config')), false, 'output root created');
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
