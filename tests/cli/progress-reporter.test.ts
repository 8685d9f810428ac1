/**
 * What `campaign run` writes on stderr while it works: on a terminal (a real pseudo-terminal from
 * util-linux `script`) one redrawn line per phase with done of total, percentage, elapsed time and
 * an ETA from the previous run's manifest, cleared before the summary; with `--log-format json` one
 * JSON object per line (also with `--json`, which no longer silences progress); and the manifest's
 * CPU time and peak memory per phase.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { CLI, cli, D, writeBase } from '../io/input/contract-fixture.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';

const root = tempDir('cli-progress-');
const base = join(root, 'base');
const PHASES = [
  ['load', 'rows'],
  ['profiles', 'accounts'],
  ['pools', 'steps'],
  ['recommend', 'accounts'],
  ['validate', 'steps'],
  ['write', 'files'],
] as const;

beforeAll(async () => {
  await writeBase(base);
});

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('on a terminal', () => {
  it.skipIf(!hasScript)('one line per phase, redrawn in place, with counts, %, elapsed and an ETA from the previous run; cleared before the summary', async () => {
    const out = join(root, 'tty');
    const args = ['run', '--data', base, '--date', D, '--out', out, '--workers', '0'];
    expectEqual((await cli([...args, '--quiet'])).code, 0, 'the previous run');
    const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-q', '-e', '-c', command, '/dev/null'], { encoding: 'utf8' });
    expectEqual(r.status, 0, r.stdout);
    // The terminal turns \n into \r\n.
    const text = r.stdout.replaceAll('\r\n', '\n');
    assert.match(text, /\x1b\[\d+A/, 'moves the cursor back up to redraw');
    for (const [phase, unit] of PHASES) {
      assert.match(text, new RegExp(`\\x1b\\[2K${phase} +\\[#{20}\\] {2}([\\d,]+)/\\1 ${unit} {2}100% {2}[\\d.]+ m?s {2}done\\n`), `${phase} done line`);
    }
    // Before the footers are read the load's total is not known yet: done alone, then done/total.
    assert.match(text, /\x1b\[2Kload +\[[#.]{20}\] {2}[\d,]+(\/[\d,]+)? rows +\d+% {2}[\d.]+ m?s {2}ETA (…|[\d.]+ m?s)/, 'a load line in progress');
    assert.match(text, /\x1b\[2Ktotal +[\d.]+ m?s elapsed · ETA [\d.]+ m?s \(the previous run took [\d.]+ m?s\)\n/, 'the total line from the previous run');
    // Cleared (cursor up, erase to the end) right before the summary; no log lines on a terminal.
    const manifest = JSON.parse(readFileSync(join(out, D, 'manifest.json'), 'utf8')) as { run_id: string };
    assert.match(text, new RegExp(`\\x1b\\[\\d+A\\x1b\\[Jrun ${manifest.run_id} → `));
    assert.doesNotMatch(text, /^\d{4}-\d\d-\d\dT/m);
  });
});

describe('--log-format json', () => {
  it('one JSON object per line on stderr — phases with counts, the run id, durations — while --json prints the manifest on stdout', async () => {
    const out = join(root, 'json');
    const r = await cli(['run', '--data', base, '--date', D, '--out', out, '--workers', '0', '--json', '--log-format', 'json']);
    expectEqual(r.code, 0, r.stderr);
    const manifest = JSON.parse(r.stdout) as { run_id: string; resources: { phases: Record<string, { cpu_ms: number; peak_rss_bytes: number }>; peak_rss_bytes: number; cpu_ms: number } };
    const records = r.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) {
      assert.match(String(record['time']), /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
      expectEqual([record['level'], record['command']], ['info', 'run'], JSON.stringify(record));
    }
    const edges = records.filter((x) => x['event'] === 'phase_start' || x['event'] === 'phase_end');
    expectEqual(
      edges.map((x) => [x['event'], x['phase'], x['unit']]),
      PHASES.flatMap(([phase, unit]) => [['phase_start', phase, unit], ['phase_end', phase, unit]]),
      'phase records',
    );
    for (const end of edges.filter((x) => x['event'] === 'phase_end')) {
      assert.ok(typeof end['elapsed_ms'] === 'number' && end['done'] === end['total'], JSON.stringify(end));
    }
    const done = records.at(-1)!;
    expectEqual([done['event'], done['run_id'], done['message']], ['run_done', manifest.run_id, `run ${manifest.run_id} published to ${join(out, D)}`]);
    assert.ok(typeof (done['counts'] as { status: { send: number } }).status.send === 'number' && typeof (done['timings_ms'] as { total: number }).total === 'number');
    // The manifest: CPU time and peak RSS of every phase and of the run.
    expectEqual(Object.keys(manifest.resources.phases), PHASES.map(([p]) => p));
    for (const [phase, use] of Object.entries(manifest.resources.phases)) assert.ok(use.cpu_ms >= 0 && use.peak_rss_bytes > 10_000_000, `${phase}: ${JSON.stringify(use)}`);
    assert.ok(manifest.resources.peak_rss_bytes >= Math.max(...Object.values(manifest.resources.phases).map((p) => p.peak_rss_bytes)) && manifest.resources.cpu_ms > 0);
  });

  it('an error is one JSON record naming its code and exit status', async () => {
    const r = await cli(['run', '--data', join(root, 'nowhere'), '--date', D, '--out', join(root, 'err'), '--log-format', 'json']);
    expectEqual(r.code, 3);
    const records = r.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expectEqual(records.map((x) => x['event']), ['phase_start', 'failed'], 'the load started, then failed');
    const record = records.at(-1);
    expectEqual([record!['level'], record!['event'], record!['code'], record!['exit'], record!['exit_status'], record!['message']], ['error', 'failed', 'INPUT', 'INVALID', 3, `${join(root, 'nowhere')}: no such dataset directory`]);
  });
});
