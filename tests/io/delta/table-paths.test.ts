/**
 * Issue 17 item 6 (and the path half of item 7), SPEC §2 "a Delta table's files resolve inside the
 * table unless the user allows external paths": relative paths in the log (data files, `u`
 * deletion vectors, sidecars) stay inside the table after percent-decoding and normalisation;
 * absolute paths and `file:` URIs (shallow clones, `p` deletion vectors) are read under the
 * dataset directory and the directories allowed with `allowExternalPaths` /
 * `--allow-external-path` only; symbolic links are followed and where a file really is obeys the
 * same rule. Refusals are one-line InputErrors naming the table and the path, and nothing is written.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { InputError } from '../../../io/errors.js';
import { deletionVectorFile, removeOf } from '../../../bench/workloads/delta/delta-writer.js';
import type { DeltaTableWriter } from '../../../bench/workloads/delta/delta-writer.js';
import { BASE, D, assertNothingWritten, cli, run, writeBase } from '../input/contract-fixture.js';
import { deltaCase } from '../input/delta-case.js';
import type { CaseData } from '../input/delta-case.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const root = tempDir('delta-paths-');
const base = join(root, 'base');
beforeAll(() => writeBase(base));

const ALLOW = '--allow-external-path DIR (library: allowExternalPaths)';
let cases = 0;

/** The live add of part-1.parquet (the table's only live file after deltaCase). */
const live = (w: DeltaTableWriter) => [...w.live.values()][0]!;

/** Builds `data` in a fresh case directory; returns the case directory and the dataset. */
async function build(data: CaseData): Promise<{ dir: string; data: string }> {
  const dir = join(root, `case-${cases++}`);
  return { dir, data: await data(base, dir) };
}

/** Runs the case and checks the whole one-line message (`expected` given the case and data directories). */
async function refused(data: CaseData, expected: (dir: string, data: string) => string): Promise<void> {
  const c = await build(data);
  const out = join(c.dir, 'out');
  const err = await run(c.data, out).then(
    () => assert.fail('the run succeeded'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof InputError, String((err as Error).stack ?? err));
  expectEqual(err.message, expected(realpathSync(c.dir), realpathSync(c.data)));
  assertNothingWritten(out);
}

/** A relative path out of the table, as the issue found it read. */
const outsideMessage = (what: string, file: string): string => `${what} resolves to ${file}, outside the table; a relative path in a Delta log must stay inside the table directory`;
const externalMessage = (what: string, data: string): string => `${what} is outside the table and the directories allowed for external paths (${data}); to read it, allow a directory holding it with ${ALLOW}`;
const linkMessage = (what: string, target: string): string => `${what} is a symbolic link (or lies under one) to ${target}, outside the table; files of a Delta table must really be inside it`;

describe('refused', () => {
  it("a data file '%2E%2E/%2E%2E/outside.parquet'", async () => {
    await refused(
      deltaCase('regions', (w) => {
        copyFileSync(join(w.dir, 'part-1.parquet'), join(w.dir, '..', '..', 'outside.parquet'));
        w.commit([removeOf(live(w)), { add: { ...live(w), path: '%2E%2E/%2E%2E/outside.parquet' } }]);
      }),
      (dir) => `regions/: Delta table 'regions': ${outsideMessage("data file '%2E%2E/%2E%2E/outside.parquet'", join(dir, 'outside.parquet'))}`,
    );
  });

  for (const path of ['/etc/passwd', 'file:///etc/shadow']) {
    it(`a data file '${path}'`, async () => {
      await refused(
        deltaCase('regions', (w) => w.commit([removeOf(live(w)), { add: { ...live(w), path } }])),
        (_dir, data) => `regions/: Delta table 'regions': ${externalMessage(`data file '${path}'`, data)}`,
      );
    });
  }

  it("a 'u' deletion vector with the prefix '../../'", async () => {
    let id = '';
    await refused(
      deltaCase('profiles', (w) => {
        const [dv] = deletionVectorFile(w.dir, [[0]], '../../');
        id = dv!.pathOrInlineDv;
        w.commit([removeOf(live(w)), { add: { ...live(w), deletionVector: dv } }]);
      }),
      (dir) => {
        const bin = readdirSync(dir).find((f) => f.endsWith('.bin'))!;
        return `profiles/: Delta table 'profiles': ${outsideMessage(`deletion vector '${id}' of data file 'part-1.parquet'`, join(dir, bin))}`;
      },
    );
  });

  it("a 'p' deletion vector outside the dataset", async () => {
    let uri = '';
    await refused(
      deltaCase('profiles', (w) => {
        const [dv] = deletionVectorFile(w.dir, [[0]], '../../');
        const bin = readdirSync(join(w.dir, '..', '..')).find((f) => f.endsWith('.bin'))!;
        uri = `file://${join(w.dir, '..', '..', bin)}`;
        w.commit([removeOf(live(w)), { add: { ...live(w), deletionVector: { ...dv!, storageType: 'p', pathOrInlineDv: uri } } }]);
      }),
      (_dir, data) => `profiles/: Delta table 'profiles': ${externalMessage(`deletion vector '${uri}' of data file 'part-1.parquet'`, data)}`,
    );
  });

  it("a v2-checkpoint sidecar '../../../sidecar.parquet'", async () => {
    let checkpoint = '';
    await refused(
      deltaCase(
        'regions',
        async (w, data) => {
          const written = await w.v2Checkpoint();
          checkpoint = written.checkpoint;
          renameSync(join(w.dir, '_delta_log', '_sidecars', written.sidecar), join(data, 'sidecar.parquet'));
          const file = join(w.dir, '_delta_log', checkpoint);
          writeFileSync(file, readFileSync(file, 'utf8').replace(written.sidecar, '../../../sidecar.parquet'));
        },
        { protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['v2Checkpoint'], writerFeatures: ['v2Checkpoint'] } },
      ),
      (_dir, data) => `regions/_delta_log/${checkpoint}: Delta table 'regions': ${outsideMessage("sidecar '../../../sidecar.parquet'", join(data, 'sidecar.parquet'))}`,
    );
  });

  it('a symlinked data file leading out of the table', async () => {
    await refused(
      deltaCase('regions', (w, data) => {
        renameSync(join(w.dir, 'part-1.parquet'), join(data, 'elsewhere.parquet'));
        symlinkSync(join(data, 'elsewhere.parquet'), join(w.dir, 'part-1.parquet'));
      }),
      (_dir, data) => `regions/: Delta table 'regions': ${linkMessage("data file 'part-1.parquet'", join(data, 'elsewhere.parquet'))}`,
    );
  });

  it('a symlinked _delta_log leading out of the table', async () => {
    await refused(
      deltaCase('regions', (w, data) => {
        renameSync(join(w.dir, '_delta_log'), join(data, 'log-elsewhere'));
        symlinkSync(join(data, 'log-elsewhere'), join(w.dir, '_delta_log'));
      }),
      (_dir, data) => `regions/_delta_log: Delta table 'regions': ${linkMessage('', join(data, 'log-elsewhere')).trimStart()}`,
    );
  });

  it('through the CLI: the one line, exit 3 (bad input), nothing written', async () => {
    const c = await build(deltaCase('regions', (w) => w.commit([removeOf(live(w)), { add: { ...live(w), path: '/etc/passwd' } }])));
    const r = await cli(['run', '--data', c.data, '--date', D, '--out', join(c.dir, 'out'), '--workers', '0', '--quiet']);
    expectEqual(r, { code: 3, stdout: '', stderr: `campaign: regions/: Delta table 'regions': ${externalMessage("data file '/etc/passwd'", realpathSync(c.data))}\n` });
    assertNothingWritten(join(c.dir, 'out'));
  });
});

describe('read', () => {
  it("a second add of './part-1.parquet' is the same file, read once; a remove of 'part%2D1.parquet' ends it", async () => {
    const c = await build(deltaCase('regions', (w) => w.commit([{ add: { ...live(w), path: './part-1.parquet' } }])));
    expectEqual((await run(c.data, join(c.dir, 'out'))).counts['regions'], { rows: BASE.regions.length });
    const d = await build(deltaCase('regions', (w) => w.commit([removeOf({ ...live(w), path: 'part%2D1.parquet' })])));
    expectEqual((await run(d.data, join(d.dir, 'out'))).counts['regions'], { rows: 0 });
  });

  it('an absolute path under the dataset directory (a shallow clone) is read by default', async () => {
    const c = await build(
      deltaCase('regions', (w, data) => {
        mkdirSync(join(data, 'source'));
        copyFileSync(join(w.dir, 'part-1.parquet'), join(data, 'source', 'part-9.parquet'));
        w.commit([removeOf(live(w)), { add: { ...live(w), path: `file://${join(data, 'source', 'part-9.parquet')}` } }]);
      }),
    );
    expectEqual((await run(c.data, join(c.dir, 'out'))).counts['regions'], { rows: BASE.regions.length });
  });

  it('a data file and a p deletion vector outside the dataset, under a directory the user allows', async () => {
    let external = '';
    const c = await build(
      deltaCase('profiles', (w, data) => {
        external = join(data, '..', 'external');
        mkdirSync(external);
        copyFileSync(join(w.dir, 'part-1.parquet'), join(external, 'part-1.parquet'));
        const [dv] = deletionVectorFile(external, [[0]]);
        const bin = readdirSync(external).find((f) => f.endsWith('.bin'))!;
        const add = { ...live(w), path: `file://${join(external, 'part-1.parquet')}`, deletionVector: { ...dv!, storageType: 'p', pathOrInlineDv: join(external, bin) } };
        w.commit([removeOf(live(w)), { add }]);
      }),
    );
    await assert.rejects(run(c.data, join(c.dir, 'refused')), (e: unknown) => e instanceof InputError && e.message.includes(`is outside the table and the directories allowed for external paths (${realpathSync(c.data)})`));
    const r = await run(c.data, join(c.dir, 'out'), { allowExternalPaths: [external] });
    expectEqual(r.counts['profiles']?.['rows'], BASE.profiles.length - 1, 'the p deletion vector removed one row');
    const cliRun = await cli(['run', '--data', c.data, '--date', D, '--out', join(c.dir, 'out-cli'), '--workers', '0', '--quiet', '--json', '--allow-external-path', external]);
    expectEqual(cliRun.code, 0, cliRun.stderr);
  });

  it('a symlink inside the table to a file inside it, and a table directory that is itself a link', async () => {
    const c = await build(
      deltaCase('regions', (w, data) => {
        mkdirSync(join(w.dir, 'real'));
        renameSync(join(w.dir, 'part-1.parquet'), join(w.dir, 'real', 'part-1.parquet'));
        symlinkSync(join('real', 'part-1.parquet'), join(w.dir, 'part-1.parquet'));
        renameSync(w.dir, join(data, '..', 'regions-table'));
        symlinkSync(join(data, '..', 'regions-table'), w.dir);
      }),
    );
    expectEqual((await run(c.data, join(c.dir, 'out'))).counts['regions'], { rows: BASE.regions.length });
  });
});
