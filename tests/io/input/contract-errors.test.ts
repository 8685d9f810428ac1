/**
 * SPEC §2 / §9: a dataset or option that breaks the contract stops the run through runCampaign
 * with the right error class and a message naming the file, the column (or key) and the problem;
 * nothing is written (no `<out>/<D>/`, no staging directory, no lock left behind).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { CampaignError } from '../../../engine/errors.js';
import { tempDir } from '../../support/temp-dir.js';
import { expectEqual } from '../../support/expect-equal.js';
import { CONTRACT_CASES, checkMessage, prepareCase } from './contract-cases.js';
import { D, assertNothingWritten, run, writeBase } from './contract-fixture.js';

const root = tempDir('contract-errors-');
const base = join(root, 'base');
beforeAll(() => writeBase(base));

describe('contract errors through runCampaign', () => {
  CONTRACT_CASES.forEach((c, i) => {
    it(c.name, async () => {
      const dir = join(root, `case-${i}`);
      const { data, config } = await prepareCase(c, base, dir);
      const out = join(dir, 'out');
      const err = await run(data, out, { date: c.date ?? D, ...(config === undefined ? {} : { config }) }).then(
        () => assert.fail('the run succeeded'),
        (e: unknown) => e,
      );
      if (!(err instanceof c.error)) throw new Error(`expected ${c.error.name}, got ${String((err as Error).stack ?? err)}`);
      expectEqual((err as CampaignError).code, c.code, 'error code');
      checkMessage(c, (err as Error).message);
      assertNothingWritten(out, c.date ?? D);
    });
  });
});

describe('a bad run leaves nothing even when the output root already exists', () => {
  it('the previous runs of other dates are untouched and the lock is released', async () => {
    const dir = join(root, 'other-dates');
    const c = CONTRACT_CASES.find((x) => x.name.startsWith('duplicate profile_id'))!;
    const { data } = await prepareCase(c, base, dir);
    const out = join(dir, 'out');
    const ok = await run(base, out, { date: '2026-11-21' });
    await assert.rejects(run(data, out), CampaignError);
    assertNothingWritten(out);
    expectEqual(ok.outputDir, join(out, '2026-11-21'), 'other run');
    await assert.rejects(run(data, out), CampaignError); // the lock of the failed run was released
  });
});
