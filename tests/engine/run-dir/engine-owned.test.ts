/**
 * Issue 17, item 9: `preview --html FILE` and `report --report-dir DIR` never write where the
 * engine owns files — a published run, the output root's entries, the delivery ledger, a
 * preview's scratch runs — whatever the options say; a real `campaign` process refuses in one
 * line, before any work, and every file there stays byte for byte.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { formatDay, parseDay } from '../../../engine/dates.js';
import { engineOwnedPlace } from '../../../engine/run-dir/engine-owned.js';
import { DateLedger } from '../../../io/ledger/index.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { cli, D, run, writeBase } from '../../io/input/contract-fixture.js';

const root = tempDir('engine-owned-');
const base = join(root, 'base');
const out = join(root, 'out');
const state = join(out, 'state');
const snapshot = join(state, 'ledger', formatDay(parseDay(D) - 1), 'snapshot.tsv');

/** Every file under `dir`, relative path → content. */
function files(dir: string): Record<string, string> {
  const all: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) all[relative(dir, join(e.parentPath, e.name))] = readFileSync(join(e.parentPath, e.name), 'base64');
  }
  return all;
}

beforeAll(async () => {
  await writeBase(base);
  await run(base, out);
  // A ledger date of the state directory, as a delivery leaves it.
  const ledger = await DateLedger.open(state, formatDay(parseDay(D) - 1), 'write');
  await ledger.register([{ account_id: 10, profile_id: 101, show_id: 1, scenario: 'trending', crm_id: 'crm-10' }]);
  await ledger.close();
});

const previewAdvice = 'a preview writes nothing there — choose a file outside the runs, the state directory and the scratch runs';
const reportAdvice = 'choose a --report-dir outside the published runs and the state directory';

describe('preview --html', () => {
  it('refuses a page in a published run, over a ledger snapshot, in .runs/ or in the scratch runs, before any work', async () => {
    const before = files(out);
    const preview = (html: string, ...more: string[]): Promise<{ code: number | null; stderr: string }> => cli(['preview', '--data', base, '--date', D, '--workers', '0', '--quiet', '--html', html, ...more]);
    const cases: [string, string[], string][] = [
      // With --out: nothing under it is written.
      [join(out, D, 'preview.html'), ['--out', out], `inside the output root ${out}`],
      [join(out, 'preview.html'), ['--out', out], `inside the output root ${out}`],
      // Without --out or --state: found by what the directories hold.
      [join(out, D, 'manifest.json'), [], `inside the published run ${join(out, D)}`],
      [join(out, D, 'scenarios', 'trending.parquet'), [], `inside the published run ${join(out, D)}`],
      [snapshot, [], `inside the delivery ledger ${join(state, 'ledger', formatDay(parseDay(D) - 1))}`],
      [join(out, '.runs', 'page.html'), [], `inside the run directories ${join(out, '.runs')}`],
      // With --state elsewhere named: nothing under it.
      [join(root, 'other-state', 'page.html'), ['--state', join(root, 'other-state')], `inside the delivery state directory ${join(root, 'other-state')}`],
      [join(root, 'scratch', 'new', D, 'manifest.json'), ['--scratch', join(root, 'scratch')], `inside the preview run ${join(root, 'scratch', 'new')}`],
    ];
    for (const [html, more, where] of cases) {
      const r = await preview(html, ...more);
      expectEqual([r.code, r.stderr], [2, `campaign: cannot write the preview page ${html}: it is ${where}; ${previewAdvice}\n`], html);
    }
    expectEqual(files(out), before, 'the runs and the ledger, byte for byte');
    expectEqual([existsSync(join(root, 'scratch')), existsSync(join(root, 'other-state'))], [false, false], 'nothing created');
  });

  it('writes a page anywhere else, also beside the output root', async () => {
    const html = join(root, 'pages', 'preview.html');
    // The tiny dataset's one title takes half the sends: allow it, so stderr stays empty.
    const r = await cli(['preview', '--out', out, '--date', D, '--workers', '0', '--quiet', '--max-title-share', '1', '--html', html]);
    expectEqual([r.code, r.stderr], [0, '']);
    assert.ok(readFileSync(html, 'utf8').startsWith('<!doctype html>'), 'the page');
  });
});

describe('report --report-dir', () => {
  const report = (...more: string[]): Promise<{ code: number | null; stderr: string }> => cli(['report', '--out', out, '--data', base, '--from', D, '--to', D, ...more]);

  it('refuses a published run, the state directory, .runs/ and a ledger, before any work', async () => {
    const before = files(out);
    const cases: [string, string][] = [
      [join(out, D), `inside the published runs of ${out}`],
      [join(out, '2026-11-23'), `inside the published runs of ${out}`],
      [join(out, '.runs'), `inside the published runs of ${out}`],
      [state, `inside the delivery state directory ${state}`],
      [join(state, 'ledger', 'reports'), `inside the delivery state directory ${state}`],
    ];
    for (const [dir, where] of cases) {
      const r = await report('--report-dir', dir);
      expectEqual([r.code, r.stderr], [2, `campaign: cannot write the report into ${dir}: it is ${where}; ${reportAdvice}\n`], dir);
    }
    expectEqual(files(out), before, 'the runs and the ledger, byte for byte');
    expectEqual(existsSync(join(out, '2026-11-23')), false, 'no directory where a run of 2026-11-23 would be published');
  });

  it('writes the report under <out>/reports by default', async () => {
    const r = await report();
    expectEqual(r.code, 0, r.stderr);
    assert.ok(existsSync(join(out, 'reports', `${D}_${D}`, 'report.json')));
  });
});

it('a directory holding a published run is the engine’s wherever it is, reached through links too', () => {
  const copy = join(root, 'elsewhere');
  mkdirSync(copy, { recursive: true });
  expectEqual(engineOwnedPlace(join(copy, 'x.html'), { outDirs: [], stateDirs: [] }), null);
  // <out>/<D> is a link into .runs/: both spellings are checked.
  expectEqual(engineOwnedPlace(join(out, D, 'x.html'), { outDirs: [], stateDirs: [] }), `inside the published run ${join(out, D)}`);
});
