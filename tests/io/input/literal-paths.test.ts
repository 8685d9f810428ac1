/**
 * Issue 17 item 1, SPEC §2 "Paths are literal": DuckDB's readers take `*`, `?` and `[` in a path
 * as a pattern, so a path holding them read whatever the pattern matched. Every path the engine
 * reads holds each of `[ ] * ? { }` here, beside a sibling the pattern would match with other
 * rows: the dataset directory, plain and Hive directory files, a Delta table's live file (its log
 * path percent-encoded) beside the removed file the pattern matches, its checkpoint, the ledger's
 * columnar copies under the state directory, and the published runs that explain, report and
 * preview read. Each read must equal the same read from plain names.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { explainAccount } from '../../../engine/explain/explain-account.js';
import { previewCampaign } from '../../../engine/preview/preview-campaign.js';
import { buildCampaignReport } from '../../../engine/report/build-campaign-report.js';
import { DateLedger } from '../../../io/ledger/index.js';
import { InputError } from '../../../io/errors.js';
import { sqlFilePath } from '../../../io/input/duckdb-session.js';
import { DeltaTableWriter, SPEC_FIELDS, removeOf } from '../../../bench/workloads/delta/delta-writer.js';
import { day } from '../../reference/fixtures.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { D, copyParquet, lit, readOutputs, run, sql, writeBase } from './contract-fixture.js';

const root = tempDir('literal-paths-');
const flat = join(root, 'flat');
const odd = join(root, 'odd');

/** Plays file names inside the odd layout: each pattern name beside a name it matches. */
const PLAYS_FILES = ['a[b].parquet', 'ab.parquet', 'c*.parquet', 'cd.parquet', 'e?.parquet', 'ef.parquet', 'g{h,i}.parquet', 'gh.parquet'];

/** Dataset, state and output directory names, each with a sibling its pattern would match. */
const NAMES: [name: string, sibling: string][] = [
  ['d[x]', 'dx'],
  ['d*', 'dz'],
  ['d?', 'dq'],
  ['d{x,y}', 'dx'],
];

/**
 * The base dataset as plain files (`flat`), and the same rows in the odd layout (`odd`): plays
 * spread over PLAYS_FILES, profiles in Hive directories `k=[1]/` and `k=1/`, accounts as a Delta
 * table whose live file is `part-[c].parquet` (log path `part-%5Bc%5D.parquet`), with a
 * checkpoint, beside the removed `part-c.parquet` whose accounts have other crm ids.
 */
beforeAll(async () => {
  await writeBase(flat);
  mkdirSync(odd);
  for (const t of ['catalog', 'regions']) cpSync(join(flat, `${t}.parquet`), join(odd, `${t}.parquet`));
  const src = (t: string): string => `read_parquet(${lit(join(flat, `${t}.parquet`))})`;
  for (const [i, name] of PLAYS_FILES.entries()) {
    await copyParquet(`SELECT * FROM (SELECT *, row_number() OVER () AS n FROM ${src('plays')}) WHERE n % ${PLAYS_FILES.length} = ${i} ORDER BY n`, join(odd, 'plays', name), '');
  }
  await copyParquet(`SELECT * FROM ${src('profiles')} WHERE profile_id % 2 = 1`, join(odd, 'profiles', 'k=[1]', 'part.parquet'));
  await copyParquet(`SELECT * FROM ${src('profiles')} WHERE profile_id % 2 = 0`, join(odd, 'profiles', 'k=1', 'part.parquet'));
  const accounts = new DeltaTableWriter(join(odd, 'accounts'), { sql, fields: SPEC_FIELDS.accounts });
  const stale = await accounts.dataFile('part-c.parquet', `SELECT * REPLACE ('stale-' || account_id AS crm_id) FROM ${src('accounts')}`);
  accounts.commit([{ add: stale }]);
  const live = await accounts.dataFile('part-[c].parquet', `SELECT * FROM ${src('accounts')}`);
  expectEqual(live.path, 'part-%5Bc%5D.parquet', 'the log path is percent-encoded');
  accounts.commit([removeOf(stale), { add: live }]);
  await accounts.checkpoint();
  accounts.commit([]);
});

/** The plays of the odd layout rewritten to other rows (every file holds a copy of the first). */
function spoilPlays(dataDir: string): void {
  const dir = join(dataDir, 'plays');
  for (const name of readdirSync(dir)) if (name !== PLAYS_FILES[1]) cpSync(join(dir, PLAYS_FILES[1]!), join(dir, name));
}

let reference: { counts: unknown; outputs: Record<string, string> } | null = null;
async function referenceRun(): Promise<{ counts: unknown; outputs: Record<string, string> }> {
  if (reference === null) {
    const r = await run(flat, join(root, 'out-flat'));
    reference = { counts: r.counts, outputs: readOutputs(r.outputDir) };
  }
  return reference;
}

async function assertSameRun(dataDir: string, out: string, extra: Parameters<typeof run>[2] = {}): Promise<void> {
  const r = await run(dataDir, out, extra);
  const ref = await referenceRun();
  expectEqual(r.counts, ref.counts as never, 'counts');
  expectEqual(readOutputs(r.outputDir), ref.outputs, 'outputs');
}

describe('inputs', () => {
  it('file, Hive directory and Delta live-file names with pattern characters read only themselves', async () => {
    await assertSameRun(odd, join(root, 'out-odd'));
  });

  for (const [i, [name, sibling]] of NAMES.entries()) {
    it(`--data '${name}' beside '${sibling}' reads '${name}'`, async () => {
      const lake = join(root, `lake-${i}`);
      cpSync(odd, join(lake, 'plain'), { recursive: true });
      renameSync(join(lake, 'plain'), join(lake, name));
      cpSync(join(lake, name), join(lake, sibling), { recursive: true });
      spoilPlays(join(lake, sibling));
      await assertSameRun(join(lake, name), join(root, `out-lake-${i}`));
    });
  }

  it('a path holding a backslash and a pattern character is refused, not read as another file', async () => {
    const lake = join(root, 'lake-backslash');
    cpSync(flat, join(lake, 'a\\b[1]'), { recursive: true });
    cpSync(flat, join(lake, 'a', 'b1'), { recursive: true });
    const dir = join(lake, 'a\\b[1]');
    const err = await run(dir, join(root, 'out-backslash')).then(
      () => assert.fail('the run succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof InputError, String(err));
    expectEqual(err.message, `${join(dir, 'catalog.parquet')}: the path holds a backslash and one of * ? [ { }, which DuckDB cannot read as one literal file name; rename the file or directory`);
    assert.throws(() => sqlFilePath('/x/a\\b*.parquet'), InputError);
    expectEqual(sqlFilePath('/x/a\\b.parquet'), `'/x/a\\b.parquet'`, 'a backslash alone is literal');
    expectEqual(sqlFilePath("/x/it's [1]*?{}.parquet"), `'/x/it''s [[]1][*][?][{][}].parquet'`);
  });
});

/** Accepts, for D−1, a send of show `show` to account 10's profile 101. */
async function writeLedger(stateDir: string, shows: number[]): Promise<void> {
  const ledger = await DateLedger.open(stateDir, day(1), 'write');
  const infos = shows.map((show_id, i) => ({ account_id: 10 + 10 * i, profile_id: 101 + 100 * i, show_id, scenario: 'trending', crm_id: `crm-${i}` }));
  const ids = infos.map((r) => r.account_id);
  await ledger.register(infos);
  await ledger.write([{ op: 'send', ids }, { op: 'accept', ids }]);
  await ledger.compact();
  await ledger.close();
}

describe('state and published runs', () => {
  for (const [i, [name, sibling]] of NAMES.entries()) {
    it(`--state '${name}' beside '${sibling}': the ledger's columnar copies of '${name}'`, async () => {
      const states = join(root, `states-${i}`);
      await writeLedger(join(states, 'plain'), [1]);
      await writeLedger(join(states, 'other'), [2, 3]);
      for (const n of [name, sibling]) cpSync(join(states, 'plain'), join(states, n), { recursive: true });
      // The sibling's columnar copy, under the very name the pattern matches, holds other sends.
      const history = (n: string): string => join(states, n, 'history');
      const [copy] = readdirSync(history('plain'));
      cpSync(join(history('other'), readdirSync(history('other'))[0]!), join(history(sibling), copy!));
      const viaPlain = await run(flat, join(root, `out-state-plain-${i}`), { stateDir: join(states, 'plain') });
      const viaName = await run(flat, join(root, `out-state-${i}`), { stateDir: join(states, name) });
      expectEqual(viaName.counts, viaPlain.counts, 'counts');
      expectEqual(readOutputs(viaName.outputDir), readOutputs(viaPlain.outputDir), 'outputs');
    });
  }

  for (const [i, [name, sibling]] of NAMES.slice(0, 2).entries()) {
    it(`explain, report and preview --out 'runs/${name}' beside 'runs/${sibling}' read 'runs/${name}'`, async () => {
      const dir = join(root, `published-${i}`);
      const data = (n: string): string => join(dir, 'data', n);
      const runs = (n: string): string => join(dir, 'runs', n);
      for (const n of ['plain', name, sibling]) cpSync(odd, data(n), { recursive: true });
      spoilPlays(data(sibling));
      for (const n of ['plain', name, sibling]) await run(data(n), runs(n));
      const config = join(dir, 'calendar.yaml');
      writeFileSync(config, 'selection: {mode: calendar}\n');
      /** `value` as JSON with the directories of `n` written as `<n>`, and timings left out. */
      const normal = (value: unknown, n: string): string =>
        JSON.stringify(value, (k, v: unknown) => (k === 'timingsMs' ? null : v))
          .replaceAll(JSON.stringify(runs(n)).slice(1, -1), '<out>')
          .replaceAll(JSON.stringify(data(n)).slice(1, -1), '<data>');
      const same = async (what: string, read: (n: string) => Promise<unknown>): Promise<void> => expectEqual(normal(await read(name), name), normal(await read('plain'), 'plain'), what);

      await same('explain', (n) => explainAccount({ outDir: runs(n), date: D, accountId: 10 }));
      await same('report', (n) => buildCampaignReport({ outDir: runs(n), dataDir: data(n), from: D, to: D, now: new Date(0) }));
      await same('preview', (n) => previewCampaign({ date: D, dataDir: data(n), outDir: runs(n), config, workers: 0 }));
    });
  }
});
