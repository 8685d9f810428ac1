/**
 * Publishing survives SIGKILL at its dangerous moments (real `campaign run` processes, stopped at
 * a test pause point and killed): `<out>/<D>/` is always one whole run, the next command of the date
 * puts leftovers in order, and every published file is fsynced before the run becomes visible.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { InputError } from '../../../engine/errors.js';
import { expectEqual } from '../../support/expect-equal.js';
import { startPaused } from '../../support/paused-cli.js';
import { readRunOutputs } from '../../support/read-run-outputs.js';
import { tempDir } from '../../support/temp-dir.js';
import { config } from '../../reference/fixtures.js';
import { CLI, D, run, variant, writeBase } from '../../io/input/contract-fixture.js';

const root = tempDir('publish-crash-');
const base = join(root, 'base');
let broken: string;
let holdoutAll: string;

beforeAll(async () => {
  await writeBase(base);
  // Fails on its inputs, after the run lock and the recovery, before anything is written.
  broken = await variant(base, join(root, 'broken'), { profiles: { select: 'SELECT * FROM {src} UNION ALL SELECT * FROM {src} WHERE profile_id = 101' } });
  holdoutAll = join(root, 'holdout-all.json');
  // Every account held out: no send, which the empty-campaign guard (freshness) would stop; this test is about re-runs.
  writeFileSync(holdoutAll, JSON.stringify({ holdout: { bps: 10000 }, freshness: { mode: 'off' } }));
});

function runArgs(out: string): string[] {
  return ['run', '--data', base, '--date', D, '--out', out, '--config', holdoutAll, '--workers', '0', '--quiet'];
}

function publishedRunId(out: string): string {
  return (JSON.parse(readFileSync(join(out, D, 'manifest.json'), 'utf8')) as { run_id: string }).run_id;
}

/** The output root's entries but the default state directory (the plays cache: no run's output); run directories under `.runs/` as `.runs/<D>-*`, pending links as `.<D>.publish-*`. */
function entries(out: string): string[] {
  const top = readdirSync(out)
    .filter((f) => f !== '.runs' && f !== 'state')
    .map((f) => f.replace(/\.publish-.*$/, '.publish-*'));
  const runs = existsSync(join(out, '.runs')) ? readdirSync(join(out, '.runs')).map((f) => `.runs/${f.slice(0, D.length)}-*`) : [];
  return [...top, ...runs].sort();
}

/** Moves the published run to `to` as a real directory, as an older version would have left it. */
function moveRunTo(out: string, to: string): void {
  const published = join(out, D);
  if (!lstatSync(published).isSymbolicLink()) {
    renameSync(published, to);
    return;
  }
  const target = resolve(out, readlinkSync(published));
  rmSync(published);
  renameSync(target, to);
}

/** The next command of the date: a run that fails on its inputs, after recovery, publishing nothing. */
async function recoverWithFailingRun(out: string): Promise<void> {
  await assert.rejects(run(broken, out), InputError);
}

describe('SIGKILL while publishing a re-run', () => {
  it('before the link swap: the previous run stays published; the next command removes the leftovers', async () => {
    const out = join(root, 'before-swap');
    const first = await run(base, out);
    const paused = await startPaused(runArgs(out), 'publish-before-swap');
    expectEqual(publishedRunId(out), first.runId, 'published at the pause');
    await paused.kill9();
    expectEqual(publishedRunId(out), first.runId, 'published after the kill');
    expectEqual(entries(out), [`.${D}.lock`, `.${D}.publish-*`, `.runs/${D}-*`, `.runs/${D}-*`, D], 'leftovers of the killed run');
    await recoverWithFailingRun(out);
    expectEqual(entries(out), [`.runs/${D}-*`, D], 'entries after the next command');
    expectEqual(publishedRunId(out), first.runId, 'still the first run');
    expectEqual((await readRunOutputs(join(out, D))).selection.length, 3, 'whole');
  });

  it('after the link swap: the new run is published whole; the next command removes the previous run’s directory', async () => {
    const out = join(root, 'after-swap');
    const first = await run(base, out);
    const paused = await startPaused(runArgs(out), 'publish-after-swap');
    const second = publishedRunId(out);
    assert.notEqual(second, first.runId);
    await paused.kill9();
    expectEqual(publishedRunId(out), second, 'the new run after the kill');
    expectEqual((await readRunOutputs(join(out, D))).selection.map((s) => s.status), ['holdout', 'holdout', 'holdout'], 'whole new run');
    expectEqual(entries(out), [`.${D}.lock`, `.runs/${D}-*`, `.runs/${D}-*`, D], 'the previous run’s directory is left');
    await recoverWithFailingRun(out);
    expectEqual(entries(out), [`.runs/${D}-*`, D], 'entries after the next command');
    expectEqual(publishedRunId(out), second, 'still the new run');
  });

  it('over a real <out>/<D>/ directory (older layout), killed after moving it aside: the next command restores it', async () => {
    const out = join(root, 'legacy');
    const first = await run(base, out);
    moveRunTo(out, join(out, D));
    const paused = await startPaused(runArgs(out), 'publish-legacy-moved');
    expectEqual(existsSync(join(out, D)), false, 'the one moment without <out>/<D>/ (older layout only)');
    await paused.kill9();
    await recoverWithFailingRun(out);
    expectEqual(lstatSync(join(out, D)).isDirectory(), true, 'the old directory is back');
    expectEqual(publishedRunId(out), first.runId, 'restored run');
    expectEqual(entries(out), [D], 'nothing else left');

    const replaced = await run(base, out, { config: config({ holdout: { bps: 10000 }, freshness: { mode: 'off' } }) });
    expectEqual([lstatSync(join(out, D)).isSymbolicLink(), publishedRunId(out)], [true, replaced.runId], 'a later run migrates it to the link layout');
    expectEqual(entries(out), [`.runs/${D}-*`, D], 'entries after the migration');
  });

  it('the .staging-* and .previous directories an older version left are cleaned, the .previous run restored when it is all there is', async () => {
    const out = join(root, 'old-leftovers');
    const first = await run(base, out);
    moveRunTo(out, join(out, `.staging-${D}-Ab12Cd.previous`));
    mkdirSync(join(out, `.staging-${D}-Ab12Cd`, 'scenarios'), { recursive: true });
    mkdirSync(join(out, `.staging-${D}-Zz99Yy`));
    await recoverWithFailingRun(out);
    expectEqual(publishedRunId(out), first.runId, 'restored from .previous');
    expectEqual(entries(out), [D], 'staging and .previous directories removed');
  });
});

describe('durability', () => {
  const strace = spawnSync('strace', ['-V']).status === 0;
  it('every published file and directory is fsynced before the link swap makes the run visible', ({ skip }) => {
    skip(!strace, 'strace is not installed');
    const out = join(root, 'fsync');
    const trace = join(root, 'fsync.trace');
    const r = spawnSync('strace', ['-f', '-y', '-qq', '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2', '-o', trace, process.execPath, CLI, ...runArgs(out)], { encoding: 'utf8' });
    expectEqual(r.status, 0, `run under strace: ${r.stderr}`);
    const lines = readFileSync(trace, 'utf8').split('\n');
    const swap = lines.findIndex((l) => /rename/.test(l) && l.includes(`.${D}.publish-`) && l.includes('= 0'));
    assert.ok(swap > 0, 'the link swap is traced');
    const runDir = resolve(out, readlinkSync(join(out, D)));
    // With threads, strace splits a call in `fsync(fd<path> <unfinished ...>` and `<... fsync resumed>) = 0`.
    expectEqual(lines.filter((l) => /sync.*= -1/.test(l)), [], 'failed fsyncs');
    const synced = new Set(lines.slice(0, swap).flatMap((l) => [...l.matchAll(/f(?:data)?sync\(\d+<([^>]+)>/g)].map((m) => m[1]!)));
    const expected = [runDir, join(runDir, 'scenarios'), join(out, '.runs'), ...['manifest.json', 'payloads.ndjson', 'selection.parquet'].map((f) => join(runDir, f))];
    for (const f of readdirSync(join(runDir, 'scenarios'))) expected.push(join(runDir, 'scenarios', f));
    expectEqual(expected.filter((p) => !synced.has(p)), [], 'not fsynced before the swap');
    const after = lines.slice(swap + 1).some((l) => l.includes(`fsync(`) && l.includes(`<${resolve(out)}>`));
    expectEqual(after, true, 'the output root is fsynced after the swap');
  });
});
