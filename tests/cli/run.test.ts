/**
 * `campaign run` as an operator or a scheduler sees it: summary and progress, --json, usage errors
 * (exit 2), a held lock (exit 75), and `campaign --help`. Contract errors through the CLI are in
 * tests/io/input/contract-errors-cli.test.ts. Each CLI process costs ~0.4 s of CPU, so the
 * processes are few and run two at a time.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';
import { D, STABLE_OUTPUTS, cli, copyParquet, lit, mapLimit, readOutputs, run, variant, writeBase } from '../io/input/contract-fixture.js';
import type { CliResult } from '../io/input/contract-fixture.js';

const root = tempDir('cli-run-');
const base = join(root, 'base');
const runArgs = (data: string, out: string, ...extra: string[]): string[] => ['run', '--data', data, '--date', D, '--out', out, '--workers', '0', ...extra];

let sleeper: ChildProcess;
afterAll(() => {
  if (sleeper?.exitCode === null) sleeper.kill();
});

const r: Record<string, CliResult> = {};
let baselineFiles: Record<string, string>;
let mixedZones: string;

beforeAll(async () => {
  await writeBase(base);
  baselineFiles = readOutputs((await run(base, join(root, 'out-baseline'))).outputDir);
  // plays in two files, one TIMESTAMP and one TIMESTAMP WITH TIME ZONE: reading them together casts
  // one to the other, which must not depend on the host's time zone.
  mixedZones = await variant(base, join(root, 'mixed-zones'), {
    plays: async (file, to) => {
      await copyParquet(`SELECT * FROM read_parquet(${lit(file)}) WHERE profile_id < 300`, join(to, 'plays', 'a.parquet'));
      await copyParquet(`SELECT * REPLACE (timezone('UTC', ts) AS ts) FROM read_parquet(${lit(file)}) WHERE profile_id >= 300`, join(to, 'plays', 'b.parquet'));
    },
  });
  const lockedOut = join(root, 'out-locked');
  mkdirSync(lockedOut, { recursive: true });
  sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  await once(sleeper, 'spawn');
  writeFileSync(join(lockedOut, `.${D}.lock`), JSON.stringify({ pid: sleeper.pid, host: hostname(), started: new Date().toISOString() }));

  const jobs: [string, string[], Record<string, string>?][] = [
    ['summary', runArgs(base, join(root, 'out-summary'))],
    ['json', runArgs(mixedZones, join(root, 'out-json'), '--json'), { TZ: 'America/New_York' }],
    ['no-data', ['run', '--date', D, '--out', join(root, 'out-no-data')]],
    ['bad-workers', runArgs(base, join(root, 'out-bad-workers'), '--workers', 'many')],
    ['many-workers', runArgs(base, join(root, 'out-many-workers'), '--workers', String(availableParallelism() + 14), '--quiet')],
    ['unknown-option', runArgs(base, join(root, 'out-unknown'), '--colour')],
    ['locked', runArgs(base, lockedOut, '--quiet')],
    ['help', ['--help']],
  ];
  await mapLimit(jobs, 2, async ([name, args, env]) => {
    r[name] = await cli(args, env === undefined ? {} : { env });
  });
});

describe('campaign run', () => {
  it('prints a summary with the output path and status counts; progress goes to stderr', () => {
    const { code, stdout, stderr } = r['summary']!;
    expectEqual(code, 0, 'exit code');
    const out = join(root, 'out-summary', D);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { run_id: string };
    const lines = stdout.split('\n');
    expectEqual(lines[0], `run ${manifest.run_id} → ${out}`, 'first line');
    const manifestCounts = (JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { counts: { rollup: { accounts: number } } }).counts;
    const households = manifestCounts.rollup.accounts;
    expectEqual(lines[1], `2 pushes for ${households} households: ${((2 / households) * 100).toFixed(1)}%`, 'the funnel line');
    const unwrapped = stdout.replace(/\n {16}/g, ' ');
    assert.match(unwrapped, / targeted not sent: 1 control group · \d+ without a recommendation · 0 frequency capped · 0 no candidates$/m);
    assert.match(unwrapped, /^ {2}rows written +.* · selection 3 · payloads 2$/m);
    assert.match(stdout, /^ {2}validation +passed: [\d,]+ rows checked$/m);
    for (const line of lines.slice(1)) assert.ok(line.length <= 100, `fits 100 columns: ${line}`);
    // Not a terminal: one timestamped line per phase start and end, the end with its count.
    const stamp = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
    for (const [phase, unit] of [['load', 'rows'], ['profiles', 'accounts'], ['pools', 'steps'], ['recommend', 'accounts'], ['validate', 'steps'], ['write', 'files']]) {
      assert.match(stderr, new RegExp(`^${stamp} ${phase} …$`, 'm'));
      assert.match(stderr, new RegExp(`^${stamp} ${phase} done in \\d[^(]*\\(([\\d,]+)/\\1 ${unit}\\)$`, 'm'));
    }
    expectEqual(readOutputs(out), baselineFiles, 'published files');
  });

  it('--json prints only valid JSON (the manifest, with run_id) on stdout; progress stays on stderr', () => {
    const { code, stdout, stderr } = r['json']!;
    expectEqual(code, 0, 'exit code');
    assert.match(stderr, /Z write done in /);
    const printed = JSON.parse(stdout) as { run_id: string; campaign_date: string; counts: { status: Record<string, number> } };
    const published = JSON.parse(readFileSync(join(root, 'out-json', D, 'manifest.json'), 'utf8')) as { run_id: string };
    assert.match(printed.run_id, new RegExp(`^${D}-[0-9a-f]{16}$`));
    expectEqual(printed.run_id, published.run_id, 'run_id');
    expectEqual(printed.campaign_date, D, 'campaign_date');
    expectEqual(printed.counts.status, { send: 2, holdout: 1, frequency_capped: 0, no_candidates: 0 }, 'status counts');
  });

  it('outputs do not depend on the host time zone (TZ=America/New_York, plays mixing TIMESTAMP and TIMESTAMPTZ files)', () => {
    expectEqual(r['json']!.code, 0, 'exit code');
    expectEqual(readOutputs(join(root, 'out-json', D), STABLE_OUTPUTS), baselineFiles, 'published files');
  });

  it('a missing --data is a usage error: exit 2, the usage on stderr, nothing created', () => {
    const { code, stdout, stderr } = r['no-data']!;
    expectEqual({ code, stdout }, { code: 2, stdout: '' }, 'exit code and stdout');
    assert.match(stderr, /^campaign: --data is required\n/);
    assert.match(stderr, /usage: campaign run --data DIR\|URL --date YYYY-MM-DD --out DIR/);
    expectEqual(existsSync(join(root, 'out-no-data')), false, 'output root created');
  });

  it('--workers above the core count runs with one worker per core, saying so on stderr', () => {
    const { code, stderr } = r['many-workers']!;
    expectEqual(code, 0, `exit code (stderr: ${stderr})`);
    expectEqual(stderr, `campaign: --workers ${availableParallelism() + 14} is more than the ${availableParallelism()} cores of this machine; using ${availableParallelism()}\n`, 'stderr');
    const manifest = JSON.parse(readFileSync(join(root, 'out-many-workers', D, 'manifest.json'), 'utf8')) as { workers: number };
    expectEqual(manifest.workers, availableParallelism(), 'manifest workers');
  });

  it('a bad --workers and an unknown option are usage errors (exit 2)', () => {
    expectEqual(r['bad-workers']!.code, 2, 'bad --workers exit code');
    assert.match(r['bad-workers']!.stderr, /--workers must be a whole number ≥ 0, got 'many'/);
    expectEqual(r['unknown-option']!.code, 2, 'unknown option exit code');
    assert.match(r['unknown-option']!.stderr, /--colour/);
    assert.match(r['unknown-option']!.stderr, /campaign run --help/);
    for (const dir of ['out-bad-workers', 'out-unknown']) expectEqual(existsSync(join(root, dir)), false, `${dir} created`);
  });

  it('a lock held by a live process: exit 75, "another run … is in progress" with the holder and the unlock command, nothing written', () => {
    const { code, stdout, stderr } = r['locked']!;
    expectEqual({ code, stdout }, { code: 75, stdout: '' }, 'exit code and stdout');
    assert.match(stderr, new RegExp(`^campaign: another run or delivery of ${D} is in progress \\(lock .*\\.${D}\\.lock, pid ${sleeper.pid} `));
    assert.match(stderr, /running on this machine; last refreshed \d{4}-\d\d-\d\dT[^,]+Z, \d+ s ago\); retry later, or if that process is gone: campaign unlock --out \S+ --date \d{4}-\d\d-\d\d\n$/);
    expectEqual(readdirSync(join(root, 'out-locked')), [`.${D}.lock`], 'entries');
  });
});

describe('campaign --help', () => {
  it('lists the commands and exits 0', () => {
    const { code, stdout } = r['help']!;
    expectEqual(code, 0, 'exit code');
    assert.match(stdout, /^usage: campaign <command> \[options\]/);
    for (const command of ['run', 'config', 'deliver']) assert.match(stdout, new RegExp(`^ {2}${command} +\\S`, 'm'));
    // The synthetic workloads are not product commands: their own entry lists them.
    assert.doesNotMatch(stdout, /^ {2}generate /m);
  });
});
