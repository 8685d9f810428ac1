/**
 * SIGTERM and SIGINT stop `campaign run` within a second in every phase — the load included, while
 * the workers' DuckDBs decode the plays — with the exit status 128 + n, nothing published, no
 * lock or staging directory left: what a Kubernetes pod gets between SIGTERM and its grace period.
 * Real processes on a generated 60k-profile dataset; the signal is sent the moment the run's JSON
 * log says it reached the phase.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, it } from 'vitest';
import { isCommittedCacheEntry } from '../../io/plays-cache/cache-index.js';
import { CLI } from '../io/input/contract-fixture.js';
import { expectEqual } from '../support/expect-equal.js';
import { GENERATED_DATE, generatedDataset } from '../support/generated-dataset.js';
import { tempDir } from '../support/temp-dir.js';

let data: string;
beforeAll(async () => {
  data = await generatedDataset(60_000, 4);
});

interface Stopped {
  code: number | null;
  /** From the signal to the process's exit. */
  latencyMs: number;
  /** The JSON records the run wrote on stderr. */
  records: Record<string, unknown>[];
}

/** Runs `campaign run` with JSON logs and sends `signal` when a record matches `when`. */
function runAndStop(out: string, signal: NodeJS.Signals, when: (record: Record<string, unknown>) => boolean): Promise<Stopped> {
  const child = spawn(process.execPath, [CLI, 'run', '--data', data, '--date', GENERATED_DATE, '--out', out, '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const records: Record<string, unknown>[] = [];
  let sentAt: number | null = null;
  createInterface({ input: child.stderr! }).on('line', (line) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    records.push(record);
    if (sentAt === null && when(record)) {
      sentAt = performance.now();
      child.kill(signal);
    }
  });
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      if (sentAt === null) throw new Error(`the run ended before the signal: ${JSON.stringify(records.at(-1))}`);
      resolve({ code, latencyMs: performance.now() - sentAt, records });
    }),
  );
}

function assertNothingLeft(out: string): void {
  expectEqual(existsSync(join(out, GENERATED_DATE)), false, 'published');
  // No lock, no temp file, no staging directory: only an empty .runs/ may remain, and the plays
  // cache a finished load committed (its pieces and index, no temp file and no cache lock).
  const left = existsSync(out) ? readdirSync(out, { recursive: true }).map(String) : [];
  const kept = (e: string): boolean => e === '.runs' || e === 'state' || (e.startsWith('state/') && isCommittedCacheEntry(e.slice('state/'.length)));
  expectEqual(left.filter((e) => !kept(e)), [], `left under --out: ${JSON.stringify(left)}`);
}

const during = (phase: string, detail?: string) => (r: Record<string, unknown>): boolean => r['phase'] === phase && (detail === undefined ? r['event'] === 'phase_start' : r['detail'] === detail);

describe('campaign run stopped by a signal', () => {
  for (const [signal, phase, detail, status] of [
    ['SIGTERM', 'load', 'plays', 143],
    ['SIGINT', 'load', 'plays', 130],
    ['SIGTERM', 'load', 'accounts and profiles', 143],
    ['SIGTERM', 'profiles', undefined, 143],
    ['SIGTERM', 'write', undefined, 143],
  ] as const) {
    it(`${signal} during ${phase}${detail === undefined ? '' : ` (${detail})`}: exit ${status} within 1 s, nothing published, no lock left`, async () => {
      const out = tempDir('abort-');
      const stopped = await runAndStop(out, signal, during(phase, detail));
      expectEqual(stopped.code, status, JSON.stringify(stopped.records.at(-1)));
      assert.ok(stopped.latencyMs < 1000, `exited ${Math.round(stopped.latencyMs)} ms after ${signal}`);
      const last = stopped.records.at(-1)!;
      expectEqual([last['level'], last['code'], last['exit'], last['exit_status'], last['message']], ['error', 'ABORTED', 'ABORTED', status, `run aborted (${signal})`]);
      assertNothingLeft(out);
    });
  }
});
