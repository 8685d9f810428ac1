/**
 * SPEC §2 for Delta tables: a log, checkpoint, protocol or file the engine cannot read stops the
 * run with one InputError line naming the table, the file (relative to the dataset) and the
 * problem, and nothing is written — through runCampaign, and one case through the CLI.
 */
import { EXIT_STATUSES, exitNameOf } from '../../../io/exit-codes.js';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { CampaignError, InputError } from '../../../engine/errors.js';
import { deletionVectorFile, removeOf } from '../../../bench/workloads/delta/delta-writer.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { checkMessage } from './contract-cases.js';
import type { ContractCase } from './contract-cases.js';
import { D, assertNothingWritten, cli, run, writeBase } from './contract-fixture.js';
import { deltaCase } from './delta-case.js';

const root = tempDir('delta-errors-');
const base = join(root, 'base');
beforeAll(() => writeBase(base));

const log = (version: number, suffix = '.json'): string => `${String(version).padStart(20, '0')}${suffix}`;

const CASES: ContractCase[] = [
  {
    name: 'bad JSON in a commit',
    cli: true,
    data: deltaCase('regions', (w) => appendFileSync(join(w.dir, '_delta_log', log(1)), '{"add":{"path":"part-2.parquet",\n')),
    error: InputError,
    code: 'INPUT',
    message: [`regions/_delta_log/${log(1)}: `, "Delta table 'regions'", 'line 4 is not valid JSON'],
  },
  {
    name: 'an action without its required field',
    data: deltaCase('regions', (w) => appendFileSync(join(w.dir, '_delta_log', log(1)), '{"add":{"size":3}}\n')),
    error: InputError,
    code: 'INPUT',
    message: [`regions/_delta_log/${log(1)}: `, "Delta table 'regions'", 'line 4: add action without a path'],
  },
  {
    name: 'a missing part of the only usable checkpoint',
    cli: true,
    data: deltaCase('regions', async (w) => {
      const parts = await w.checkpoint(2);
      rmSync(join(w.dir, '_delta_log', parts[1]!));
      for (const v of [0, 1]) rmSync(join(w.dir, '_delta_log', log(v)));
      w.commit([]);
    }),
    error: InputError,
    code: 'INPUT',
    message: [`regions/_delta_log/${log(1, '.checkpoint.0000000002.0000000002.parquet')}: `, "Delta table 'regions'", 'is missing: part 2 of the 2-part checkpoint of version 1'],
  },
  {
    name: 'a commit missing after the checkpoint',
    data: deltaCase('regions', async (w) => {
      await w.checkpoint();
      w.commit([]);
      w.commit([]);
      rmSync(join(w.dir, '_delta_log', log(2)));
    }),
    error: InputError,
    code: 'INPUT',
    message: [`regions/_delta_log/${log(2)}: `, "Delta table 'regions'", 'is missing: version 3 cannot be read without commit 2 (it follows the checkpoint of version 1)'],
  },
  {
    name: 'an unsupported reader feature',
    cli: true,
    data: deltaCase('regions', () => undefined, { protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['catalogManaged'], writerFeatures: ['catalogManaged'] } }),
    error: InputError,
    code: 'INPUT',
    message: [`regions/_delta_log/${log(0)}: `, "Delta table 'regions'", "uses the Delta reader feature 'catalogManaged', which this engine does not implement"],
  },
  {
    name: 'a reader version newer than supported (changed by a later commit)',
    data: deltaCase('regions', (w) => {
      w.commit([{ protocol: { minReaderVersion: 4, minWriterVersion: 8 } }]);
    }),
    error: InputError,
    code: 'INPUT',
    message: [`regions/_delta_log/${log(2)}: `, "Delta table 'regions'", 'needs Delta reader version 4'],
  },
  {
    name: 'a live data file missing on disk',
    cli: true,
    data: deltaCase('regions', (w) => rmSync(join(w.dir, 'part-1.parquet'))),
    error: InputError,
    code: 'INPUT',
    message: ['regions/part-1.parquet: ', "Delta table 'regions'", 'is a live data file of version 1 but is missing on disk'],
  },
  {
    name: 'a deletion vector failing its checksum',
    data: deltaCase('profiles', (w) => {
      const live = [...w.live.values()][0]!;
      const [dv] = deletionVectorFile(w.dir, [[0, 2]]);
      w.commit([removeOf(live), { add: { ...live, deletionVector: dv } }]);
      const bin = deletionVectorBin(w.dir);
      writeFileSync(bin, Buffer.from(readFileSync(bin).map((b, i) => (i === 20 ? b ^ 1 : b))));
    }),
    error: InputError,
    code: 'INPUT',
    message: [/profiles\/deletion_vector_[0-9a-f-]+\.bin: /, "Delta table 'profiles'", "deletion vector of data file 'part-1.parquet'", 'fails its CRC-32 checksum'],
  },
  {
    name: 'an empty commit file (issue 17 item 14)',
    cli: true,
    data: deltaCase('regions', (w) => {
      w.commit([]);
      writeFileSync(join(w.dir, '_delta_log', log(2)), '');
    }),
    error: InputError,
    code: 'INPUT',
    message: [`regions/_delta_log/${log(2)}: Delta table 'regions': is empty (0 bytes); a Delta log file holds at least one action`],
  },
  {
    name: 'readerFeatures as a string (issue 17 item 14)',
    data: deltaCase('regions', () => undefined, { protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: 'catalogManaged', writerFeatures: ['catalogManaged'] } }),
    error: InputError,
    code: 'INPUT',
    message: [`regions/_delta_log/${log(0)}: Delta table 'regions': line 2: protocol readerFeatures is "catalogManaged", not a list of feature names`],
  },
  {
    name: 'readerFeatures with an entry that is not a name (issue 17 item 14)',
    data: deltaCase('regions', () => undefined, { protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors', { name: 'catalogManaged' }], writerFeatures: [] } }),
    error: InputError,
    code: 'INPUT',
    message: [`regions/_delta_log/${log(0)}: Delta table 'regions': line 2: protocol readerFeatures is ["deletionVectors",{"name":"catalogManaged"}], not a list of feature names`],
  },
  {
    name: 'reader version 3 without readerFeatures (issue 17 item 14)',
    data: deltaCase('regions', () => undefined, { protocol: { minReaderVersion: 3, minWriterVersion: 7 } }),
    error: InputError,
    code: 'INPUT',
    message: [`regions/_delta_log/${log(0)}: Delta table 'regions': has reader version 3 but no readerFeatures list; the protocol requires one at reader version 3`],
  },
  {
    name: 'a v2-checkpoint sidecar path that is not percent-encoding (issue 17 item 11)',
    data: deltaCase(
      'regions',
      async (w) => {
        const { checkpoint, sidecar } = await w.v2Checkpoint();
        const file = join(w.dir, '_delta_log', checkpoint);
        writeFileSync(file, readFileSync(file, 'utf8').replace(sidecar, 'a%zz.parquet'));
      },
      { protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['v2Checkpoint'], writerFeatures: ['v2Checkpoint'] } },
    ),
    error: InputError,
    code: 'INPUT',
    message: [/^regions\/_delta_log\/00000000000000000001\.checkpoint\.[0-9a-f-]{36}\.json: Delta table 'regions': sidecar path 'a%zz\.parquet' is not valid percent-encoding$/],
  },
  {
    name: 'an add path that is not percent-encoding (issue 17 item 11)',
    data: deltaCase('regions', (w) => {
      w.commit([{ add: { ...[...w.live.values()][0]!, path: 'part-%zz.parquet' } }]);
    }),
    error: InputError,
    code: 'INPUT',
    message: [`regions/_delta_log/${log(2)}: Delta table 'regions': add path 'part-%zz.parquet' is not valid percent-encoding`],
  },
  {
    name: 'a table schema without a required column',
    data: deltaCase('regions', (w) => {
      const meta = { ...w.metaData, schemaString: JSON.stringify({ type: 'struct', fields: [{ name: 'country', type: 'string', nullable: true, metadata: {} }] }) };
      w.commit([{ metaData: meta }]);
    }),
    error: InputError,
    code: 'INPUT',
    message: ['regions/ (Delta version 2): ', "required column 'region' is missing (found: country)"],
  },
];

/** The one deletion-vector file of a table directory. */
function deletionVectorBin(dir: string): string {
  const name = readdirSync(dir).find((f) => f.endsWith('.bin'));
  assert.ok(name !== undefined, 'a deletion vector file');
  return join(dir, name);
}

describe('Delta errors through runCampaign', () => {
  CASES.forEach((c, i) => {
    it(c.name, async () => {
      const dir = join(root, `case-${i}`);
      const data = await c.data(base, dir);
      const out = join(dir, 'out');
      const err = await run(data, out).then(
        () => assert.fail('the run succeeded'),
        (e: unknown) => e,
      );
      if (!(err instanceof c.error)) throw new Error(`expected ${c.error.name}, got ${String((err as Error).stack ?? err)}`);
      expectEqual((err as CampaignError).code, c.code, 'error code');
      checkMessage(c, (err as Error).message);
      const [whole] = c.message;
      if (c.message.length === 1 && typeof whole === 'string') expectEqual((err as Error).message, whole, 'the whole message');
      assert.ok(!(err as Error).message.includes('\n'), 'one line');
      assertNothingWritten(out);
    });
  });
});

describe('Delta errors through the CLI', () => {
  CASES.filter((c) => c.cli === true).forEach((c, i) => {
    it(c.name, async () => {
      const dir = join(root, `cli-${i}`);
      const data = await c.data(base, dir);
      const r = await cli(['run', '--data', data, '--date', D, '--out', join(dir, 'out'), '--workers', '0', '--quiet']);
      expectEqual({ code: r.code, stdout: r.stdout, lines: r.stderr.trimEnd().split('\n').length }, { code: EXIT_STATUSES[exitNameOf(c.code)].code, stdout: '', lines: 1 });
      checkMessage(c, r.stderr);
      const [whole] = c.message;
      if (c.message.length === 1 && typeof whole === 'string') expectEqual(r.stderr, `campaign: ${whole}\n`, 'the whole message');
      assertNothingWritten(join(dir, 'out'));
    });
  });
});

describe('pinned Delta versions', () => {
  it('a version the log does not have, a pin on a plain table, a bad --delta-version', async () => {
    const dir = join(root, 'pins');
    const data = await deltaCase('regions', () => undefined)(base, dir);
    await assert.rejects(run(data, join(dir, 'out'), { deltaVersions: { regions: 7 } }), (e: unknown) => e instanceof InputError && /regions\/_delta_log: Delta table 'regions' at version 7: has no version 7 \(versions up to 1\)/.test(e.message));
    await assert.rejects(run(data, join(dir, 'out'), { deltaVersions: { plays: 0 } }), (e: unknown) => e instanceof InputError && /plays\.parquet: a Delta version \(0\) is pinned for 'plays', but it is not a Delta table/.test(e.message));
    await assert.rejects(run(data, join(dir, 'out'), { deltaVersions: { play: 0 } }), (e: unknown) => e instanceof CampaignError && e.code === 'BAD_OPTION' && /'play', which is not an input table/.test(e.message));
    const r = await cli(['run', '--data', data, '--date', D, '--out', join(dir, 'out'), '--delta-version', 'regions:1']);
    expectEqual(r.code, 2);
    assert.match(r.stderr, /--delta-version must be TABLE=VERSION/);
    assertNothingWritten(join(dir, 'out'));
    const ok = await cli(['run', '--data', data, '--date', D, '--out', join(dir, 'out'), '--workers', '0', '--quiet', '--json', '--delta-version', 'regions=0']);
    expectEqual(ok.code, 0);
    expectEqual((JSON.parse(ok.stdout) as { inputs: { delta: Record<string, { version: number; files: { path: string }[] }> } }).inputs.delta, {
      regions: { version: 0, files: [{ path: 'regions/part-0.parquet', deletion_vector: null, deleted_rows: 0 }] },
    } as never);
  });
});
