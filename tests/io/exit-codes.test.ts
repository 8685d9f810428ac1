/**
 * One exit-status table for every command and every error: each `code` the product throws (found
 * in the sources by the constructors that take one) has a row, and the errors carry that row.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { AbortedError, ConfigError, DeliveryError, deliveryInputError, DriftError, InputError, LockError, RunDirError, ValidationError } from '../../engine/errors.js';
import type { DriftResult } from '../../engine/drift/drift-types.js';
import { EXIT_OF_CODE, EXIT_STATUSES } from '../../io/exit-codes.js';
import { expectEqual } from '../support/expect-equal.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(ROOT, dir, f));
}

test('every error code thrown by the product has a row in the table', () => {
  const codes = new Set<string>();
  for (const file of ['engine', 'io', 'cli'].flatMap(sources)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:new CampaignError|super)\(\s*'([A-Z_]+)'/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/'(DELIVERY(?:_INPUT)?|STALE_DATA|EMPTY_CAMPAIGN|NO_RUN|BAD_RUN|STORAGE(?:_UNAVAILABLE)?)'/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/const [A-Z_]+_ERROR = '([A-Z_]+)'/g)) codes.add(m[1]!);
  }
  expectEqual([...codes].filter((c) => !(c in EXIT_OF_CODE)).sort(), [], 'codes without a row');
  expectEqual(codes.size >= 20, true, `found ${codes.size} codes`);
});

test('the errors carry their row: name and exit code', () => {
  const drift: DriftResult = { mode: 'fail', status: 'failed', baseline: null, checks: [], reasons: [], notes: [], ignored_baselines: [] };
  const rows = [
    new InputError('f', 'm'),
    new ConfigError('m'),
    new RunDirError('NO_RUN', 'p', 'r', 'm'),
    deliveryInputError('m'),
    new DriftError('m', drift, 'd'),
    new DeliveryError('m'),
    new ValidationError(['v']),
    new LockError('m'),
    new AbortedError('m', undefined, 'SIGTERM'),
  ].map((e) => [e.constructor.name, e.code, e.exit, e.exitCode]);
  expectEqual(rows, [
    ['InputError', 'INPUT', 'INVALID', 3],
    ['ConfigError', 'CONFIG', 'INVALID', 3],
    ['RunDirError', 'NO_RUN', 'INVALID', 3],
    ['DeliveryError', 'DELIVERY_INPUT', 'INVALID', 3],
    ['DriftError', 'DRIFT', 'DRIFT', 5],
    ['DeliveryError', 'DELIVERY', 'UNAVAILABLE', 69],
    ['ValidationError', 'VALIDATION', 'INTERNAL', 70],
    ['LockError', 'LOCKED', 'LOCKED', 75],
    ['AbortedError', 'ABORTED', 'ABORTED', 128],
  ]);
  expectEqual(Object.keys(EXIT_STATUSES), ['OK', 'USAGE', 'INVALID', 'DATA', 'DRIFT', 'UNAVAILABLE', 'INTERNAL', 'LOCKED', 'ABORTED']);
});
