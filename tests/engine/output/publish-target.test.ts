/**
 * The publisher replaces only what it published (issue 17, item 2): whatever else stands at
 * `<out>/<D>` — a link to the user's data (absolute or relative), a link into `.runs/` that is not
 * a run of D, a file, a directory that is not a run — is left alone, byte for byte, and the run
 * (a real `campaign run` process) fails in one line before writing anything.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { expectEqual } from '../../support/expect-equal.js';
import { startPaused } from '../../support/paused-cli.js';
import { tempDir } from '../../support/temp-dir.js';
import { cli, D, writeBase } from '../../io/input/contract-fixture.js';

const root = tempDir('publish-target-');
const base = join(root, 'base');

beforeAll(async () => {
  await writeBase(base);
});

function runArgs(out: string): string[] {
  return ['run', '--data', base, '--date', D, '--out', out, '--workers', '0', '--quiet'];
}

/** A directory of the user's, with a file in a sub-directory; returns a check that it is whole. */
function userData(dir: string): () => void {
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'sub', 'precious.txt'), 'keep me');
  return () => expectEqual(readFileSync(join(dir, 'sub', 'precious.txt'), 'utf8'), 'keep me', `${dir} is whole`);
}

/** `.runs/` of `out` holds nothing of D (no run directory was left behind). */
function runsOfDate(out: string): string[] {
  return existsSync(join(out, '.runs')) ? readdirSync(join(out, '.runs')).filter((n) => n.startsWith(`${D}-`)) : [];
}

const advice = 'the engine only replaces what it published there: move it away or use another --out';

describe('what stands at <out>/<D> that the engine did not publish is refused, never deleted', () => {
  it('a symbolic link to a directory elsewhere (absolute)', async () => {
    const out = join(root, 'abs-link');
    const keep = join(root, 'abs-keep');
    const whole = userData(keep);
    mkdirSync(out);
    symlinkSync(keep, join(out, D));
    const r = await cli(runArgs(out));
    expectEqual(
      [r.code, r.stderr],
      [3, `campaign: cannot publish ${D}: ${join(out, D)} is a symbolic link to ${keep}, not to a run directory of ${D} under ${join(out, '.runs')}/; ${advice}\n`],
    );
    whole();
    expectEqual([readlinkSync(join(out, D)), runsOfDate(out)], [keep, []], 'the link and .runs/');
  });

  it('a relative symbolic link, also one that passes through .runs/', async () => {
    const out = join(root, 'rel-link');
    const whole = userData(join(root, 'rel-keep'));
    mkdirSync(join(out, '.runs'), { recursive: true });
    for (const target of ['../rel-keep', '.runs/../../rel-keep']) {
      rmSync(join(out, D), { force: true });
      symlinkSync(target, join(out, D));
      const r = await cli(runArgs(out));
      expectEqual([r.code, r.stderr], [3, `campaign: cannot publish ${D}: ${join(out, D)} is a symbolic link to ${target}, not to a run directory of ${D} under ${join(out, '.runs')}/; ${advice}\n`], target);
      whole();
    }
  });

  it('a link into .runs/ that is not a run directory of D: another date’s run, a directory of another name', async () => {
    const out = join(root, 'other-run');
    for (const name of ['2026-11-21-Ab12Cd', 'mine', `${D}-legacy-Ab12Cd`]) {
      const whole = userData(join(out, '.runs', name));
      rmSync(join(out, D), { force: true });
      symlinkSync(join('.runs', name), join(out, D));
      const r = await cli(runArgs(out));
      expectEqual([r.code, r.stderr], [3, `campaign: cannot publish ${D}: ${join(out, D)} is a symbolic link to .runs/${name}, not to a run directory of ${D} under ${join(out, '.runs')}/; ${advice}\n`], name);
      whole();
    }
  });

  it('a regular file, and a directory that is not a run of D', async () => {
    const out = join(root, 'file');
    mkdirSync(out);
    writeFileSync(join(out, D), 'notes');
    const file = await cli(runArgs(out));
    expectEqual([file.code, file.stderr], [3, `campaign: cannot publish ${D}: ${join(out, D)} is a file, not a published run; ${advice}\n`]);
    expectEqual(readFileSync(join(out, D), 'utf8'), 'notes');

    unlinkSync(join(out, D));
    const whole = userData(join(out, D));
    // A manifest of another date does not make it a run of D.
    writeFileSync(join(out, D, 'manifest.json'), JSON.stringify({ run_id: 'x', campaign_date: '2026-11-21' }));
    const dir = await cli(runArgs(out));
    expectEqual([dir.code, dir.stderr], [3, `campaign: cannot publish ${D}: ${join(out, D)} is a directory that is not a run of ${D} (no manifest.json for ${D} in it); ${advice}\n`]);
    whole();
    expectEqual(runsOfDate(out), [], '.runs/');
  });

  it('<out>/.runs as a link to the user’s directory: refused, its entries untouched', async () => {
    const out = join(root, 'runs-link');
    const theirs = join(root, 'runs-keep');
    const whole = userData(join(theirs, `${D}-Zz99Yy`));
    mkdirSync(out);
    symlinkSync(theirs, join(out, '.runs'));
    const r = await cli(runArgs(out));
    expectEqual([r.code, r.stderr], [3, `campaign: ${join(out, '.runs')} is a symbolic link, not the engine's directory of runs; move it away or use another --out\n`]);
    whole();
  });

  it('a link put at <out>/<D> while the run computed is found at the swap: the run fails, the link and its target stay', async () => {
    const out = join(root, 'late-link');
    const keep = join(root, 'late-keep');
    const whole = userData(keep);
    const paused = await startPaused(runArgs(out), 'publish-before-swap');
    symlinkSync(keep, join(out, D));
    const r = await paused.resume();
    expectEqual([r.code, r.stderr], [3, `campaign: cannot publish ${D}: ${join(out, D)} is a symbolic link to ${keep}, not to a run directory of ${D} under ${join(out, '.runs')}/; ${advice}\n`]);
    whole();
    expectEqual([readlinkSync(join(out, D)), runsOfDate(out), readdirSync(out).filter((n) => n.includes('.publish-'))], [keep, [], []], 'nothing of the run is left');
  });
});

describe('what the engine published is still replaced', () => {
  it('its own link is swapped and the previous run directory removed; a real run directory of an older version is upgraded', async () => {
    const out = join(root, 'own');
    const first = await cli(runArgs(out));
    expectEqual(first.code, 0, first.stderr);
    const firstDir = resolve(out, readlinkSync(join(out, D)));
    const second = await cli(runArgs(out));
    expectEqual(second.code, 0, second.stderr);
    expectEqual([existsSync(firstDir), runsOfDate(out).length], [false, 1], 'the previous run directory is gone');

    // An older version's layout: the run as a real directory at <out>/<D>.
    const current = resolve(out, readlinkSync(join(out, D)));
    unlinkSync(join(out, D));
    renameSync(current, join(out, D));
    const upgraded = await cli(runArgs(out));
    expectEqual(upgraded.code, 0, upgraded.stderr);
    assert.match(readlinkSync(join(out, D)), new RegExp(`^\\.runs/${D}-[A-Za-z0-9]{6}$`));
    expectEqual(runsOfDate(out).length, 1, 'one run directory');
  });
});
