/**
 * SPEC §10 outputs are published whole or not at all: a run replaces `<out>/<D>/` atomically, a
 * failed run leaves the previous one untouched, and one lock per date keeps runs apart.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { AbortedError, InputError, LockError } from '../../../engine/errors.js';
import { expectEqual } from '../../support/expect-equal.js';
import { readRunOutputs } from '../../support/read-run-outputs.js';
import { tempDir } from '../../support/temp-dir.js';
import { config } from '../../reference/fixtures.js';
import { D, run, variant, writeBase } from '../../io/input/contract-fixture.js';

const root = tempDir('publish-lock-');
const base = join(root, 'base');
let broken: string;

beforeAll(async () => {
  await writeBase(base);
  broken = await variant(base, join(root, 'broken'), { profiles: { select: 'SELECT * FROM {src} UNION ALL SELECT * FROM {src} WHERE profile_id = 101' } });
});

/** Every file under `dir` (relative path → base64 bytes). */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files[relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return files;
}

/** The output root's entries but the default state directory (the plays cache: no run's output); run directories under `.runs/` as `.runs/<D>-*`. */
function entries(out: string): string[] {
  const top = readdirSync(out).filter((f) => f !== '.runs' && f !== 'state');
  const runs = existsSync(join(out, '.runs')) ? readdirSync(join(out, '.runs')).map((f) => `.runs/${f.slice(0, D.length)}-*`) : [];
  return [...top, ...runs].sort();
}

describe('publishing', () => {
  it('a run over an existing <out>/<D>/ replaces it whole (stray files go, new contents arrive)', async () => {
    const out = join(root, 'replace');
    const first = await run(base, out, { config: config({ holdout: { bps: 0 } }) });
    writeFileSync(join(first.outputDir, 'stray.txt'), 'left by hand');
    const firstSelection = (await readRunOutputs(first.outputDir)).selection.map((s) => s.status);
    expectEqual(firstSelection, ['send', 'send', 'send'], 'first run statuses');

    // Every account held out: no send, which the empty-campaign guard (freshness) would stop; this test is about re-runs.
    const second = await run(base, out, { config: config({ holdout: { bps: 10000 }, freshness: { mode: 'off' } }) });
    expectEqual(second.outputDir, first.outputDir, 'same directory');
    expectEqual(existsSync(join(second.outputDir, 'stray.txt')), false, 'stray file removed');
    expectEqual((await readRunOutputs(second.outputDir)).selection.map((s) => s.status), ['holdout', 'holdout', 'holdout'], 'second run statuses');
    const manifest = JSON.parse(readFileSync(join(second.outputDir, 'manifest.json'), 'utf8')) as { run_id: string };
    expectEqual(manifest.run_id, second.runId, 'manifest is the second run’s');
    assert.notEqual(second.runId, first.runId);
    expectEqual(entries(out), [`.runs/${D}-*`, D], 'no staging, retired or lock entries left');
  });

  it('a run failing on its inputs leaves the previous <out>/<D>/ byte-for-byte untouched', async () => {
    const out = join(root, 'keep-on-input-error');
    const ok = await run(base, out);
    const before = snapshot(ok.outputDir);
    await assert.rejects(run(broken, out), (e: unknown) => e instanceof InputError && /profile_id 101 appears more than once/.test(e.message));
    expectEqual(snapshot(ok.outputDir), before, 'previous run files');
    expectEqual(entries(out), [`.runs/${D}-*`, D], 'entries of the output root');
  });

  it('a run aborted after its outputs were staged discards them and keeps the previous run', async () => {
    const out = join(root, 'keep-on-late-abort');
    const ok = await run(base, out);
    const before = snapshot(ok.outputDir);
    const abort = new AbortController();
    let staged = false;
    await assert.rejects(
      run(base, out, {
        config: config({ holdout: { bps: 0 } }),
        signal: abort.signal,
        onProgress: (e) => {
          if (e.phase === 'write' && e.state === 'end') {
            staged = readdirSync(join(out, '.runs')).length === 2;
            abort.abort();
          }
        },
      }),
      AbortedError,
    );
    expectEqual(staged, true, 'outputs were staged before the abort');
    expectEqual(snapshot(ok.outputDir), before, 'previous run files');
    expectEqual(entries(out), [`.runs/${D}-*`, D], 'entries of the output root');
  });
});

describe('the run lock', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill();
  });

  async function liveProcess(): Promise<number> {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(child);
    await once(child, 'spawn');
    return child.pid!;
  }

  async function deadPid(): Promise<number> {
    const child = spawn('true', { stdio: 'ignore' });
    await once(child, 'exit');
    return child.pid!;
  }

  function writeLock(out: string, pid: number, host = hostname()): string {
    const path = join(out, `.${D}.lock`);
    writeFileSync(path, JSON.stringify({ pid, host, started: '2026-11-22T01:00:00.000Z' }));
    return path;
  }

  it('a lock held by a live process stops the run with LockError and touches nothing', async () => {
    const out = join(root, 'held');
    const ok = await run(base, out);
    const before = snapshot(ok.outputDir);
    const pid = await liveProcess();
    const lock = writeLock(out, pid);
    const lockBody = readFileSync(lock, 'utf8');
    await assert.rejects(run(base, out), (e: unknown) => {
      assert.ok(e instanceof LockError, String(e));
      assert.match(e.message, new RegExp(`another run or delivery of ${D} is in progress`));
      assert.match(e.message, new RegExp(`pid ${pid}`));
      assert.ok(e.message.includes(lock), e.message);
      return true;
    });
    expectEqual(readFileSync(lock, 'utf8'), lockBody, 'the holder’s lock is left alone');
    expectEqual(snapshot(ok.outputDir), before, 'previous run files');
    expectEqual(entries(out), [`.${D}.lock`, `.runs/${D}-*`, D], 'entries');
  });

  it('a lock held by another host is never taken over', async () => {
    const out = join(root, 'other-host');
    mkdirSync(out, { recursive: true });
    writeLock(out, await deadPid(), `not-${hostname()}`);
    await assert.rejects(run(base, out), LockError);
    assertNoOutput(out);
  });

  it('a stale lock (its process is gone) is taken over and released after the run', async () => {
    const out = join(root, 'stale');
    mkdirSync(out, { recursive: true });
    writeLock(out, await deadPid());
    const result = await run(base, out);
    expectEqual(statSync(result.outputDir).isDirectory(), true, 'published');
    expectEqual(entries(out), [`.runs/${D}-*`, D], 'lock released');
  });

  it('two concurrent runs of one date: one publishes, the other fails with LockError', async () => {
    const out = join(root, 'concurrent');
    const results = await Promise.allSettled([run(base, out), run(base, out)]);
    expectEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'], 'outcomes');
    const failure = results.find((r) => r.status === 'rejected')!;
    assert.ok(failure.reason instanceof LockError, String(failure.reason));
    expectEqual(entries(out), [`.runs/${D}-*`, D], 'entries');
  });

  it('runs of different dates do not share a lock', async () => {
    const out = join(root, 'two-dates');
    await Promise.all([run(base, out), run(base, out, { date: '2026-11-23' })]);
    expectEqual(entries(out), ['.runs/2026-11-22-*', '.runs/2026-11-23-*', '2026-11-22', '2026-11-23'], 'entries');
  });
});

/** No published or staged output (a foreign lock may stay). */
function assertNoOutput(out: string): void {
  expectEqual(existsSync(join(out, D)), false, `${D}/ exists`);
  expectEqual(existsSync(join(out, '.runs')) ? readdirSync(join(out, '.runs')) : [], [], 'run directories');
}
