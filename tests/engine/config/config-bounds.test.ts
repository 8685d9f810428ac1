/**
 * Issue 17, items 4, 10 and 11 (config part): every duration and multiplier key has an upper bound
 * (at the bound accepted, past it refused naming the key and the bound, in the file and in an
 * override); YAML's .inf and .nan are named as such; a config file is a regular file of at most
 * 1 MiB — a device, a FIFO or a huge file is refused at once, in one line naming it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { CONFIG_BOUNDS } from '../../../engine/config/config-schema.js';
import { loadConfigFile, MAX_CONFIG_BYTES, parseConfig } from '../../../engine/config/resolve-config.js';
import { ConfigError } from '../../../engine/errors.js';
import { expectEqual } from '../../support/expect-equal.js';
import { tempDir } from '../../support/temp-dir.js';
import { cli } from '../../io/input/contract-fixture.js';

/** The ConfigError message parsing `text` gives, or null when it is accepted. */
function problem(text: string): string | null {
  try {
    parseConfig(text, 'c.yaml');
    return null;
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
}

/** YAML setting `path` (dotted, `[k]` for a list entry of four) to `value`. */
function yamlAt(path: string, value: string): string {
  const list = /^(.*)\[(\d)\]$/.exec(path);
  const leaf = list === null ? value : `[${[0, 1, 2, 3].map((k) => (k === Number(list[2]) ? value : '0')).join(', ')}]`;
  const keys = (list === null ? path : list[1]!).split('.');
  return `${keys.reduceRight((inner, key) => `{${key}: ${inner}}`, leaf)}\n`;
}

const BOUNDED: [string, number][] = [
  ['history_days', CONFIG_BOUNDS.days],
  ['dedup_window_days', CONFIG_BOUNDS.days],
  ['min_play_seconds', CONFIG_BOUNDS.playSeconds],
  ['scenarios.cluster_discovery.window_days', CONFIG_BOUNDS.days],
  ['scenarios.trending.window_days', CONFIG_BOUNDS.days],
  ['scenarios.avod.window_days', CONFIG_BOUNDS.days],
  ['rfm.r_days[0]', CONFIG_BOUNDS.days],
  ['rfm.f_days[3]', CONFIG_BOUNDS.days],
  ['rfm.m_hours[1]', CONFIG_BOUNDS.hours],
  ['delivery.timeout_ms', CONFIG_BOUNDS.ms],
  ['delivery.backoff_base_ms', CONFIG_BOUNDS.ms],
  ['delivery.backoff_max_ms', CONFIG_BOUNDS.ms],
  ['boosts.holiday', CONFIG_BOUNDS.boost],
  // Object storage durations, in seconds (turned into timers of milliseconds).
  ['storage.timeout', 3_600],
  ['storage.retry_timeout', 86_400],
];

test('every duration and multiplier key: its bound is accepted, one more refused naming the key and the bound', () => {
  expectEqual([CONFIG_BOUNDS.days, CONFIG_BOUNDS.playSeconds, CONFIG_BOUNDS.hours, CONFIG_BOUNDS.ms, CONFIG_BOUNDS.boost], [36_500, 86_400, 876_000, 600_000, 1_000_000], 'the documented bounds');
  for (const [key, bound] of BOUNDED) {
    expectEqual(problem(yamlAt(key, String(bound))), null, `${key}: ${bound}`);
    expectEqual(problem(yamlAt(key, String(bound + 1))), `config c.yaml:\n  ${key}: must be ≤ ${bound}, got ${bound + 1}`, `${key}: ${bound + 1}`);
  }
});

test('the values of the field report are refused at validation, in the file and in an override', () => {
  expectEqual(problem('dedup_window_days: 1e15\n'), 'config c.yaml:\n  dedup_window_days: must be ≤ 36500, got 1000000000000000');
  expectEqual(problem('delivery: {timeout_ms: 3000000000}\n'), 'config c.yaml:\n  delivery.timeout_ms: must be ≤ 600000, got 3000000000');
  expectEqual(problem('boosts: {drama: 1e308}\n'), 'config c.yaml:\n  boosts.drama: must be ≤ 1000000, got 1e+308');
  expectEqual(
    problem('overrides: [{name: x, from: 2026-12-01, to: 2026-12-31, set: {delivery: {backoff_max_ms: 1e12}, scenarios: {trending: {window_days: 99999999}}}}]\n'),
    'config c.yaml:\n  overrides[0].set.scenarios.trending.window_days: must be ≤ 36500, got 99999999\n  overrides[0].set.delivery.backoff_max_ms: must be ≤ 600000, got 1000000000000',
  );
});

test('YAML .inf, -.inf and .nan are named as such, with the key', () => {
  expectEqual(problem('boosts: {drama: .inf}\n'), 'config c.yaml:\n  boosts.drama: expected a number, got .inf');
  expectEqual(problem('rfm: {m_hours: [60, -.inf, 10, 2]}\n'), 'config c.yaml:\n  rfm.m_hours[1]: expected a number, got -.inf');
  expectEqual(problem('drift: {max_send_change: .nan}\n'), 'config c.yaml:\n  drift.max_send_change: expected a number, got .nan');
  expectEqual(problem('dedup_window_days: .inf\n'), 'config c.yaml:\n  dedup_window_days: expected an integer, got .inf');
});

test('a config file must be a regular file of at most 1 MiB: a device, a FIFO, a directory or a large file is refused at once', () => {
  const dir = tempDir();
  expectEqual(MAX_CONFIG_BYTES, 1 << 20);
  const refused = (path: string): string => {
    try {
      loadConfigFile(path);
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err.message;
    }
    assert.fail(`${path} was read`);
  };
  expectEqual(refused('/dev/zero'), 'config /dev/zero: not a regular file (a device); a config is a YAML or JSON file');
  expectEqual(refused(dir), `config ${dir}: not a regular file (a directory); a config is a YAML or JSON file`);
  const fifo = join(dir, 'c.fifo');
  expectEqual(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  // Opening a FIFO for reading blocks until a writer comes: this would hang without the check.
  expectEqual(refused(fifo), `config ${fifo}: not a regular file (a FIFO); a config is a YAML or JSON file`);
  const big = join(dir, 'big.yaml');
  writeFileSync(big, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
  expectEqual(refused(big), `config ${big}: ${MAX_CONFIG_BYTES + 3} bytes, more than the ${MAX_CONFIG_BYTES} a config file may have`);
  const fits = join(dir, 'fits.yaml');
  writeFileSync(fits, `history_days: 30 # ${'x'.repeat(MAX_CONFIG_BYTES - 40)}\n`);
  expectEqual(loadConfigFile(fits).history_days, 30);
});

test('campaign config and run refuse /dev/zero, a FIFO and an object-storage timeout past its bound in one line, exit 3, without hanging or growing', async () => {
  const dir = tempDir();
  const fifo = join(dir, 'c.fifo');
  expectEqual(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  const zero = await cli(['config', '--date', '2026-11-22', '--config', '/dev/zero']);
  expectEqual([zero.code, zero.stderr], [3, 'campaign: config /dev/zero: not a regular file (a device); a config is a YAML or JSON file\n']);
  const run = await cli(['run', '--data', dir, '--date', '2026-11-22', '--out', join(dir, 'out'), '--config', fifo]);
  expectEqual([run.code, run.stderr], [3, `campaign: config ${fifo}: not a regular file (a FIFO); a config is a YAML or JSON file\n`]);
  const storage = await cli(['run', '--data', dir, '--date', '2026-11-22', '--out', join(dir, 'out'), '--storage', 'TIMEOUT=3000000']);
  expectEqual([storage.code, storage.stderr], [2, 'campaign: --storage TIMEOUT: must be at most 3600\n']);
  const inf = join(dir, 'inf.yaml');
  writeFileSync(inf, 'boosts: {holiday: .inf}\n');
  const r = await cli(['config', '--date', '2026-11-22', '--config', inf]);
  expectEqual([r.code, r.stderr], [3, `campaign: config ${inf}:\n  boosts.holiday: expected a number, got .inf\n`]);
});
