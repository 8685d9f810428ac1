/**
 * `campaign config` (SPEC §9): the effective config for a date and the names of its active
 * overrides, as YAML or JSON; config errors name the key (exit 3); usage errors exit 2.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { parse } from 'yaml';
import { effectiveConfig, loadConfigFile } from '../../engine/config/resolve-config.js';
import { expectEqual } from '../support/expect-equal.js';
import { tempDir } from '../support/temp-dir.js';
import { cli, mapLimit } from '../io/input/contract-fixture.js';
import type { CliResult } from '../io/input/contract-fixture.js';

const root = tempDir('cli-config-');
const good = join(root, 'campaign.yaml');
const bad = join(root, 'bad.yaml');
const DATE = '2026-12-24';

const r: Record<string, CliResult> = {};

beforeAll(async () => {
  writeFileSync(
    good,
    [
      'boosts: {drama: 1.5}',
      'scenarios:',
      '  trending: {window_days: 10}',
      'overrides:',
      '  - {name: holidays, from: 2026-12-15, to: 2027-01-05, set: {boosts: {holiday: 3}, scenarios: {avod: {window_days: 14}}}}',
      '  - {name: spring, from: 2027-03-01, to: 2027-03-10, set: {selection: {mode: calendar}}}',
      '  - {name: late-december, from: 2026-12-20, to: 2026-12-24, set: {boosts: {holiday: 4}, selection: {fallback: [trending]}}}',
      '',
    ].join('\n'),
  );
  writeFileSync(bad, 'history_days: 60\nscenarios:\n  trending:\n    windows_days: 14\n');
  const jobs: [string, string[]][] = [
    ['yaml', ['config', '--date', DATE, '--config', good]],
    ['json', ['config', '--date', DATE, '--config', good, '--json']],
    ['unknown-key', ['config', '--date', DATE, '--config', bad]],
    ['no-date', ['config', '--config', good]],
  ];
  await mapLimit(jobs, 2, async ([name, args]) => {
    r[name] = await cli(args);
  });
});

describe('campaign config', () => {
  const expected = (): ReturnType<typeof effectiveConfig> => effectiveConfig(loadConfigFile(good), DATE);

  it('prints the effective config as YAML with the active overrides, merged in list order', () => {
    const { code, stdout, stderr } = r['yaml']!;
    expectEqual({ code, stderr }, { code: 0, stderr: '' }, 'exit code and stderr');
    const lines = stdout.split('\n');
    expectEqual(lines.slice(0, 2), [`# effective config for ${DATE}`, '# active overrides: holidays, late-december'], 'header');
    const printed = parse(stdout) as Record<string, unknown>;
    expectEqual(printed, JSON.parse(JSON.stringify(expected().config)) as Record<string, unknown>, 'effective config');
    // Objects merge (drama stays), later overrides win (holiday 4), arrays replace (fallback).
    expectEqual(printed['boosts'], { drama: 1.5, holiday: 4 }, 'boosts');
    expectEqual((printed['scenarios'] as Record<string, Record<string, unknown>>)['avod']!['window_days'], 14, 'avod window');
    expectEqual((printed['scenarios'] as Record<string, Record<string, unknown>>)['trending']!['window_days'], 10, 'trending window');
    expectEqual((printed['selection'] as Record<string, unknown>)['fallback'], ['trending'], 'fallback');
    expectEqual((printed['selection'] as Record<string, unknown>)['mode'], 'behavior', 'mode (spring is not active)');
  });

  it('--json prints the same as JSON', () => {
    const { code, stdout } = r['json']!;
    expectEqual(code, 0, 'exit code');
    const printed = JSON.parse(stdout) as { date: string; active_overrides: string[]; config: unknown };
    const e = expected();
    expectEqual(printed, { date: DATE, active_overrides: e.activeOverrides, config: JSON.parse(JSON.stringify(e.config)) as unknown }, 'printed');
    expectEqual(printed.active_overrides, ['holidays', 'late-december'], 'active overrides');
  });

  it('an unknown key: exit 3 and a message naming the file and the key', () => {
    const { code, stdout, stderr } = r['unknown-key']!;
    expectEqual({ code, stdout }, { code: 3, stdout: "" }, "exit code and stdout");
    assert.match(stderr, /^campaign: config .*bad\.yaml:/);
    assert.match(stderr, /scenarios\.trending\.windows_days: unknown config key/);
  });

  it('a missing --date is a usage error (exit 2)', () => {
    const { code, stderr } = r['no-date']!;
    expectEqual(code, 2, 'exit code');
    assert.match(stderr, /^campaign: --date is required/);
    assert.match(stderr, /usage: campaign config --date YYYY-MM-DD/);
  });
});
