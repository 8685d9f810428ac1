/**
 * The contract cases marked `cli` (one per kind of failure) through `campaign run`: exit code 1,
 * the message on stderr as `campaign: <message>` (no stack), nothing on stdout, nothing written.
 */
import { EXIT_STATUSES, exitNameOf } from '../../../io/exit-codes.js';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { CONTRACT_CASES, checkMessage, prepareCase } from './contract-cases.js';
import { D, assertNothingWritten, cli, mapLimit, writeBase } from './contract-fixture.js';
import type { CliResult } from './contract-fixture.js';

const root = tempDir('contract-cli-');
const base = join(root, 'base');
const cases = CONTRACT_CASES.filter((c) => c.cli === true);
const outcomes = new Map<string, CliResult>();

// The processes run up front, three at a time; each test then checks one outcome.
beforeAll(async () => {
  await writeBase(base);
  await mapLimit(cases, 2, async (c, i) => {
    const dir = join(root, `case-${i}`);
    const { data, config } = await prepareCase(c, base, dir);
    const args = ['run', '--data', data, '--date', c.date ?? D, '--out', join(dir, 'out'), '--workers', '0', '--quiet', ...(config === undefined ? [] : ['--config', config])];
    outcomes.set(c.name, await cli(args));
  });
});

describe('contract errors through the CLI', () => {
  cases.forEach((c, i) => {
    it(c.name, () => {
      const r = outcomes.get(c.name)!;
      // The exit status of the error's code in the one table (INVALID 3; a bad --date is USAGE 2).
      expectEqual({ code: r.code, stdout: r.stdout }, { code: EXIT_STATUSES[exitNameOf(c.code)].code, stdout: '' }, 'exit code and stdout');
      if (!r.stderr.startsWith('campaign: ')) throw new Error(`stderr: ${r.stderr}`);
      if (/\n\s+at /.test(r.stderr)) throw new Error(`a stack trace on stderr: ${r.stderr}`);
      checkMessage(c, r.stderr);
      assertNothingWritten(join(root, `case-${i}`, 'out'), c.date ?? D);
    });
  });
});
