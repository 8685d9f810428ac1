import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { previewCommand } from '../../cli/commands/preview.js';
import { previewCampaign } from '../../engine/preview/preview-campaign.js';
import type { CampaignPreview } from '../../engine/preview/preview-types.js';
import { runCampaign } from '../../engine/run-campaign.js';
import { dumpDom } from '../engine/report/html/headless-chromium.js';
import { DATE, generatedData } from '../engine/preview/preview-fixture.js';
import { expectEqual } from '../support/expect-equal.js';
import { PRODUCT_CLI, runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { usageErrors } from '../support/usage-errors.js';

/** A preview without what differs between two identical previews: timings and where the scratch runs went. */
function comparable(p: CampaignPreview): unknown {
  const side = (s: CampaignPreview['old']): unknown => ({ ...s, runDir: null, timingsMs: null });
  return { ...p, old: side(p.old), new: side(p.new), scratchDir: null, timingsMs: null };
}

test('campaign preview prints the comparison, writes the HTML page, and --json is the library result', async () => {
  const data = await generatedData(1000, 5);
  const dir = tempDir('preview-cli-');
  const out = join(dir, 'out');
  await runCampaign({ dataDir: data, date: DATE, outDir: out, workers: 1 });
  const config = join(dir, 'new.yaml');
  writeFileSync(config, 'boosts: {holiday: 20}\nholdout: {bps: 2000}\n');

  const html = join(dir, 'pages', 'preview.html');
  const text = runCli(PRODUCT_CLI, 'preview', '--out', out, '--date', DATE, '--config', config, '--html', html, '--scratch', join(dir, 'kept'), '--sample', '5', '--workers', '1', '--quiet');
  expectEqual(text.status, 0, text.stderr);
  assert.match(text.stdout, /^preview of 2026-11-22$/m);
  assert.match(text.stdout, new RegExp(`^ {2}against: {3}the config of run 2026-11-22-[0-9a-f]{16} \\(${out}/2026-11-22\\)$`, 'm'));
  assert.match(text.stdout, /^ {2}boosts\.holiday: \(unset\) → 20$/m);
  assert.match(text.stdout, /^ {2}holdout\.bps: 1000 → 2000$/m);
  assert.match(text.stdout, /^changed accounts \(5 of [\d,]+\):$/m);
  assert.match(text.stdout, /^ {6}send → holdout: holdout hash \d+ < 2000 bps \(was 1000\)$/m);
  assert.match(text.stdout, /^drift guard with the new config: nothing to compare with/m);
  // The freshness guard a nightly run would apply, for each config.
  assert.match(text.stdout, /^freshness guard with the new config: passed · plays end 2026-11-21, 1 day before the date \(at most 2\) · [\d,]+ eligible profiles · [\d,]+ sends$/m);
  assert.match(text.stdout, /^ {2}\(with the old config: passed · plays end 2026-11-21/m);
  assert.match(text.stdout, new RegExp(`^html: ${html}$`, 'm'));
  assert.ok(existsSync(join(dir, 'kept', 'new', DATE, 'selection.parquet')), 'scratch runs kept');
  const changed = Number(/^accounts: [\d,]+ selected · ([\d,]+) changed/m.exec(text.stdout)![1]!.replace(/,/g, ''));
  assert.ok(changed > 50, `changed ${changed}`);
  assert.match(dumpDom(html), new RegExp(`<div class="card" data-figure="accounts-changed"><div class="label">Accounts changed</div><div class="value">${changed.toLocaleString('en-US')}</div>`));

  const json = runCli(PRODUCT_CLI, 'preview', '--out', out, '--date', DATE, '--config', config, '--sample', '5', '--workers', '1', '--json');
  expectEqual(json.status, 0, json.stderr);
  const library = await previewCampaign({ outDir: out, date: DATE, config, sampleSize: 5, workers: 1 });
  expectEqual(comparable(JSON.parse(json.stdout) as CampaignPreview), comparable(JSON.parse(JSON.stringify(library)) as CampaignPreview), 'JSON output');
  // The warnings: on stderr (nothing else is there) and heading the text, as the library lists them.
  expectEqual(text.stderr, library.warnings.map((w) => `campaign: warning: preview: ${w.message}\n`).join(''), 'warnings on stderr');
  for (const w of library.warnings) assert.ok(text.stdout.includes(`\n  ! ${w.message}\n`), `warning in the text: ${w.message}`);

  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'scenarios:\n  trending: {windows_days: 14}\n');
  const failed = runCli(PRODUCT_CLI, 'preview', '--data', data, '--date', DATE, '--config', bad, '--scratch', join(dir, 'never'));
  expectEqual(failed.status, 3, failed.stderr);
  assert.match(failed.stderr, /^campaign: config .*bad\.yaml:\n {2}scenarios\.trending\.windows_days: unknown config key \(did you mean 'scenarios\.trending\.window_days'\?\)\n$/);
  assert.ok(!existsSync(join(dir, 'never')), 'nothing written for a bad config');

  const override = join(dir, 'seasons.yaml');
  writeFileSync(override, 'overrides:\n  - {name: xmas, from: 2026-12-15, to: 2027-01-05, set: {boosts: {holiday: 20}}}\n');
  const seasonal = runCli(PRODUCT_CLI, 'preview', '--data', data, '--date', DATE, '--config', override, '--override', 'xmas', '--workers', '1', '--json');
  expectEqual(seasonal.status, 0, seasonal.stderr);
  const s = JSON.parse(seasonal.stdout) as CampaignPreview;
  expectEqual([s.new.activeOverrides, s.old.activeOverrides, s.configChanges], [['xmas'], [], [{ key: 'boosts.holiday', old: null, new: 20 }]], 'override preview');
});

test('campaign preview usage errors exit 2 with the usage', async () => {
  await usageErrors(previewCommand, [
    [['--data', 'd'], /--date is required/],
    [['--data', 'd', '--date', '2026-02-30'], /--date must be a calendar date YYYY-MM-DD, got '2026-02-30'/],
    [['--data', 'd', '--date', DATE, '--override', 'xmas'], /--override needs --config/],
    [['--data', 'd', '--date', DATE, '--against', 'a.yaml', '--against-run', 'out/2026-11-22'], /at most one of --against and --against-run/],
    [['--date', DATE], /--data is required unless --out or --against-run/],
    [['--data', 'd', '--date', DATE, '--workers', 'two'], /--workers must be a whole number/],
    [['--data', 'd', '--date', DATE, '--delta-version', 'plays'], /--delta-version must be TABLE=VERSION/],
    [['--data', 'd', '--date', DATE, '--sample', '1.5'], /--sample must be a whole number ≥ 0, got '1.5'/],
    [['--data', 'd', '--date', DATE, '--max-title-share', '0'], /--max-title-share must be a share above 0 and at most 1 \(e\.g\. 0\.2\), got '0'/],
    [['--data', 'd', '--date', DATE, '--max-title-share', '20%'], /--max-title-share must be a share above 0 and at most 1 \(e\.g\. 0\.2\), got '20%'/],
    [['--data', 'd', '--date', DATE, '--max-title-share', '1.5'], /--max-title-share must be a share above 0 and at most 1 \(e\.g\. 0\.2\), got '1.5'/],
  ]);
});
