import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { defaultConfig } from '../../../engine/config/default-config.js';
import { configFromObject, deepMerge, effectiveConfig, loadConfigFile, parseConfig } from '../../../engine/config/resolve-config.js';
import { ConfigError } from '../../../engine/errors.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';

const rejects = (text: string, pattern: RegExp): void => {
  assert.throws(() => parseConfig(text, 'c.yaml'), (err: unknown) => err instanceof ConfigError && pattern.test(err.message));
};

test('an empty file is the SPEC defaults', () => {
  expectEqual(parseConfig('', 'c.yaml'), defaultConfig());
});

test('partial files merge onto the defaults', () => {
  const c = parseConfig('scenarios:\n  trending: {window_days: 14}\nboosts: {holiday: 3}\n', 'c.yaml');
  expectEqual(c.scenarios.trending.window_days, 14);
  expectEqual(c.scenarios.trending.pool_size, 200);
  expectEqual(c.boosts, { holiday: 3 });
});

test('unknown keys, wrong types and out-of-range values are errors naming the key', () => {
  rejects('scenarios:\n  trending: {windows_days: 7}\n', /scenarios\.trending\.windows_days: unknown config key/);
  rejects('histroy_days: 3\n', /histroy_days: unknown config key/);
  rejects('history_days: ninety\n', /history_days: expected an integer/);
  rejects('rollup: {method: biggest}\n', /rollup\.method: expected one of primary, dominant, last_active/);
  rejects('delivery: {batch_size: 5000}\n', /delivery\.batch_size: must be ≤ 1000/);
  rejects('rfm: {r_days: [1, 2, 3]}\n', /rfm\.r_days: expected 4 entries/);
  rejects('selection: {fallback: [trending, nope]}\n', /selection\.fallback\[1\]: expected one of/);
  rejects('overrides: [{name: x, from: 2026-13-01, to: 2026-12-31, set: {}}]\n', /overrides\[0\]\.from: expected a date/);
  rejects('overrides: [{name: x, from: 2026-12-01, to: 2026-12-31, set: {boosts: {holiday: nope}}}]\n', /overrides\[0\]\.set\.boosts\.holiday: expected a number/);
  rejects('overrides: [{name: x, from: 2026-12-31, to: 2026-12-01, set: {}}]\n', /from 2026-12-31 is after to 2026-12-01/);
  rejects('a: [\n', /not valid YAML or JSON/);
});

test('keys named after Object.prototype members are unknown keys, wherever they are, in YAML and JSON', () => {
  for (const key of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__proto__', '__defineGetter__']) {
    const pattern = (path: string): RegExp => new RegExp(`${path.replace(/[.[\]]/g, '\\$&')}: unknown config key`);
    rejects(`${key}: {x: 1}\n`, pattern(key));
    rejects(`{"${key}": 3}`, pattern(key));
    rejects(`scenarios:\n  trending:\n    ${key}: 3\n`, pattern(`scenarios.trending.${key}`));
    rejects(`rfm:\n  segments: [{name: all, ${key}: 1}]\n`, pattern(`rfm.segments[0].${key}`));
    rejects(`overrides: [{name: x, from: 2026-12-01, to: 2026-12-31, set: {${key}: 1}}]\n`, pattern(`overrides[0].set.${key}`));
    // A config object handed to the library is checked the same way.
    assert.throws(() => effectiveConfig({ ...defaultConfig(), [key]: 1 }, '2026-11-22'), (err: unknown) => err instanceof ConfigError && pattern(key).test(err.message));
  }
  // In a mapping of names (boosts: category → multiplier) such a name is a category, except __proto__.
  expectEqual(parseConfig('boosts: {constructor: 2, toString: 3}\n', 'c.yaml').boosts, { constructor: 2, toString: 3 });
  rejects('boosts: {__proto__: 2}\n', /boosts\.__proto__: not allowed as a key/);
});

test('JSON is accepted, and a missing file is a clear error', () => {
  const dir = tempDir();
  const path = join(dir, 'c.json');
  writeFileSync(path, JSON.stringify({ holdout: { bps: 0 } }));
  expectEqual(loadConfigFile(path).holdout, { bps: 0, salt: 'holdout-v1' });
  assert.throws(() => loadConfigFile(join(dir, 'missing.yaml')), (err: unknown) => err instanceof ConfigError && err.message === `config ${join(dir, 'missing.yaml')}: no such file`);
});

test('overrides whose inclusive range holds the date merge in list order', () => {
  const c = configFromObject(
    {
      boosts: { drama: 2 },
      overrides: [
        { name: 'holidays', from: '2026-12-15', to: '2027-01-05', set: { boosts: { holiday: 3 }, selection: { fallback: ['trending'] } } },
        { name: 'late', from: '2026-12-20', to: '2026-12-20', set: { boosts: { holiday: 4 }, scenarios: { avod: { enabled: false } } } },
      ],
    },
    'test',
  );
  expectEqual(effectiveConfig(c, '2026-12-14').activeOverrides, []);
  const first = effectiveConfig(c, '2026-12-15');
  expectEqual(first.activeOverrides, ['holidays']);
  expectEqual(first.config.boosts, { drama: 2, holiday: 3 });
  expectEqual(first.config.selection.fallback, ['trending']);
  const both = effectiveConfig(c, '2026-12-20');
  expectEqual(both.activeOverrides, ['holidays', 'late']);
  expectEqual(both.config.boosts, { drama: 2, holiday: 4 });
  expectEqual(both.config.scenarios.avod.enabled, false);
  expectEqual(both.config.scenarios.avod.window_days, 28);
  expectEqual(effectiveConfig(c, '2027-01-05').activeOverrides, ['holidays']);
  expectEqual(effectiveConfig(c, '2027-01-06').activeOverrides, []);
});

test('deepMerge: objects merge, arrays and scalars replace, inputs untouched', () => {
  const base = { a: { b: 1, c: [1, 2] }, d: 'x' };
  const merged = deepMerge(base, { a: { c: [3] }, d: 'y' });
  expectEqual(merged, { a: { b: 1, c: [3] }, d: 'y' });
  expectEqual(base, { a: { b: 1, c: [1, 2] }, d: 'x' });
});

test('a bad campaign date is rejected', () => {
  assert.throws(() => effectiveConfig(defaultConfig(), '2026-02-30'), /campaign date must be a calendar date/);
});

test('drift: defaults, validation errors naming the key, and overrides like any key', () => {
  expectEqual(parseConfig('drift: {mode: fail}\n', 'c.yaml').drift, { mode: 'fail', max_send_change: 0.5, max_eligible_change: 0.25, max_share_change: 0.15, min_count: 100 });
  rejects('drift: {mode: loud}\n', /drift\.mode: expected one of warn, fail, off/);
  rejects('drift: {max_send_change: -0.1}\n', /drift\.max_send_change: must be ≥ 0/);
  rejects('drift: {max_share_change: lots}\n', /drift\.max_share_change: expected a number/);
  rejects('drift: {min_count: 1.5}\n', /drift\.min_count: expected an integer/);
  rejects('drift: {max_sends_change: 1}\n', /drift\.max_sends_change: unknown config key/);
  rejects('overrides: [{name: x, from: 2026-12-01, to: 2026-12-31, set: {drift: {mode: never}}}]\n', /overrides\[0\]\.set\.drift\.mode: expected one of/);
  const c = configFromObject({ overrides: [{ name: 'launch', from: '2026-12-01', to: '2026-12-01', set: { drift: { max_send_change: 2 } } }] }, 'test');
  expectEqual(effectiveConfig(c, '2026-12-01').config.drift.max_send_change, 2);
  expectEqual(effectiveConfig(c, '2026-12-02').config.drift.max_send_change, 0.5);
});
