import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { Sandbox } from '../../bench/workloads/index.js';
import { generateDataset } from '../../bench/workloads/generate/generate-dataset.js';
import { cli } from '../io/input/contract-fixture.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';

const DATE = '2026-11-22';

test('run --deliver publishes the run, then delivers every send record exactly once', async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  const out = join(dir, 'out');
  await generateDataset({ profiles: 600, seed: 3, date: DATE, outDir: data });
  const sandbox = await Sandbox.start({ accountId: 'ACC-1', passcode: 'secret-pass' });
  try {
    const env = { CLEVERTAP_ACCOUNT_ID: 'ACC-1', CLEVERTAP_PASSCODE: 'secret-pass', CLEVERTAP_ENDPOINT: sandbox.url };
    const r = await cli(['run', '--data', data, '--date', DATE, '--out', out, '--workers', '1', '--deliver', '--quiet'], { env });
    expectEqual(r.code, 0, `exit code (stderr: ${r.stderr})`);
    const lines = readFileSync(join(out, DATE, 'payloads.ndjson'), 'utf8').split('\n').filter((l) => l !== '');
    assert.ok(lines.length > 0);
    assert.match(r.stdout, new RegExp(`accepted ${lines.length.toLocaleString('en-US')}`));
    expectEqual([...sandbox.acceptedCounts().values()].reduce((a, b) => a + b, 0), lines.length, 'records accepted by the sandbox');
    expectEqual([...sandbox.acceptedCounts().values()].every((n) => n === 1), true, 'no record accepted twice');
    const manifest = JSON.parse(readFileSync(join(out, DATE, 'manifest.json'), 'utf8')) as { delivery: { accepted: number } };
    expectEqual(manifest.delivery.accepted, lines.length);
    assert.ok(!r.stdout.includes('secret-pass') && !r.stderr.includes('secret-pass'), 'the passcode is never printed');
  } finally {
    await sandbox.close();
  }
});

test('run --deliver without credentials fails before doing any work', async () => {
  const dir = tempDir();
  const r = await cli(['run', '--data', join(dir, 'nowhere'), '--date', DATE, '--out', join(dir, 'out'), '--deliver'], { env: { CLEVERTAP_ACCOUNT_ID: '', CLEVERTAP_PASSCODE: '' } });
  expectEqual(r.code, 3);
  assert.match(r.stderr, /CleverTap credentials missing: set CLEVERTAP_ACCOUNT_ID and CLEVERTAP_PASSCODE/);
  expectEqual(existsSync(join(dir, 'out')), false, 'nothing written');
});
