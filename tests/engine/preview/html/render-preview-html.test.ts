import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { renderPreviewHtml } from '../../../../engine/preview/html/render-preview-html.js';
import type { CampaignPreview } from '../../../../engine/preview/preview-types.js';
import { dumpDom, screenshot } from '../../report/html/headless-chromium.js';
import { expectEqual } from '../../../support/expect-equal.js';
import { cardText, count, one, text } from '../../../support/dom-text.js';
import { tempDir } from '../../../support/temp-dir.js';
import { campaignPreviewFixture, HOSTILE } from './campaign-preview-fixture.js';

const table = (dom: string, attribute: string): string => one(dom, new RegExp(`<table class="[^"]*" ${attribute}>[\\s\\S]*?</table>`), attribute);
const rows = (markup: string): string[] => [...markup.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)].flatMap((b) => [...b[1]!.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => text(m[1]!)));

function render(preview: CampaignPreview): { html: string; file: string; dom: string } {
  const html = renderPreviewHtml(preview);
  const file = join(tempDir('preview-html-'), 'preview.html');
  writeFileSync(file, html);
  return { html, file, dom: dumpDom(file) };
}

test('the preview page renders in headless Chromium with the figures, matrices, tables and reasons of its data', () => {
  const p = campaignPreviewFixture();
  const { html, dom } = render(p);
  assert.doesNotMatch(html, /https?:\/\//, 'no network address anywhere');
  assert.doesNotMatch(dom, /<(script|link|img|iframe|object|embed)\b|\s(src|href)=|url\(|@import/i, 'nothing that could load a resource');

  expectEqual(cardText(dom, 'accounts-changed'), 'Accounts changed 305 30.2% of 1,010 selected');
  expectEqual(cardText(dom, 'sends'), 'Targeted accounts 910 → 895 \u221215 (\u22121.6%)');
  expectEqual(cardText(dom, 'shows-changed'), 'Shows changed 290 accounts sent another show · 3 shows moved');
  expectEqual(cardText(dom, 'status-changed'), 'Status or selection 15 5 status · 0 entered · 10 left');
  expectEqual(cardText(dom, 'drift'), 'Drift guard, new config Warning warned against the run of 2026-11-21: 1 bound exceeded');
  expectEqual(
    [...dom.matchAll(/<p class="notice warning" data-warning="([a-z_]+)">([\s\S]*?)<\/p>/g)].map((m) => [m[1], text(m[2]!)]),
    p.warnings.map((w) => [w.kind, `Check before going live: ${w.message}.`]),
    'warnings under the headline',
  );

  // Only the values some account has, old down and new across; the diagonal is unchanged.
  const scenario = table(dom, 'data-matrix="scenario"');
  expectEqual(rows(scenario), ['Cluster discovery 200 0 0 0', 'Re-engagement 0 500 0 0', 'Trending 40 250 0 10', 'None 0 0 10 0'], 'scenario matrix rows');
  assert.match(text(scenario), /^scenario: old ↓ new → Cluster discovery Re-engagement None Not selected/);
  expectEqual(count(scenario, 'class="num moved"'), 3, 'moved cells');
  expectEqual(rows(table(dom, 'data-matrix="status"')), ['Targeted 895 5 0 10', 'Control group 0 90 0 0', 'No candidates 0 0 10 0'], 'status matrix rows');

  expectEqual(rows(table(dom, 'data-sends="scenario"')), ['Cluster discovery 180 216 +36 +20.0%', 'Re-engagement 450 679 +229 +50.9%', 'Trending 280 0 \u2212280 \u2212100.0%', 'AVOD 0 0 0'], 'sends by scenario');
  expectEqual(rows(table(dom, 'data-sends="rfm_segment"'))[1], `${HOSTILE} 510 500 \u221210 \u22122.0%`, 'hostile segment as text');
  expectEqual(count(one(dom, /<section class="panel" id="sends">[\s\S]*?<\/section>/, 'sends panel'), '<rect class="bar before"'), 10, 'before bars (one per row)');
  expectEqual(count(one(dom, /<svg class="chart" data-chart="send-mix"[\s\S]*?<\/svg>/, 'send mix chart'), '<rect class="bar"'), 5, 'send mix bars');

  expectEqual(rows(table(dom, 'data-shows="gained"')), [`812 ${HOSTILE} holiday 10 250 +240`], 'gained shows');
  expectEqual(rows(table(dom, 'data-shows="lost"')), ['455 Winter Lights drama 300 60 \u2212240', `77 Quiet Harbour ${HOSTILE} 20 5 \u221215`], 'lost shows');

  const sample = one(dom, /<table class="sample">[\s\S]*?<\/table>/, 'sample table');
  expectEqual(rows(sample), [
    `403358036 Trending · 455 "Winter Lights" · Targeted Re-engagement · 812 "${HOSTILE}" · Targeted scenario show ${p.sample[0]!.reason}`,
    `500 Trending · 455 "Winter Lights" · Targeted not selected left ${p.sample[1]!.reason}`,
  ], 'sample rows');

  const drift = one(dom, /<section class="panel" id="drift">[\s\S]*?<\/section>/, 'drift panel');
  assert.match(text(drift), /the old config: ok against the run of 2026-11-21/);
  expectEqual(rows(drift), ['send_accounts 1,000 1,200 +20.0% ±50.0% no', 'send_share.trending 40.0% 10.0% \u221230.00 pp ±15 pp exceeded'], 'drift checks');
  expectEqual(rows(one(dom, /<table class="config-changes">[\s\S]*?<\/table>/, 'config changes table')), ['scenarios.trending.enabled true false', `boosts.${HOSTILE} (unset) 3`], 'config changes');

  // The hostile name is text everywhere: no element it could have injected exists.
  assert.doesNotMatch(dom, /<b[\s>]/);
  assert.ok(count(text(dom), HOSTILE) >= 8, `hostile name shown as text ${count(text(dom), HOSTILE)} times`);
  assert.match(text(one(dom, /<p class="meta" data-side="new">[\s\S]*?<\/p>/, 'new side line')), new RegExp(`New: /etc/${HOSTILE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.yaml \\(overrides: `));
});

test('an empty diff says so; a screenshot of the page is a full-size, non-trivial PNG', () => {
  const p = campaignPreviewFixture();
  const still: CampaignPreview = {
    ...p,
    configChanges: [],
    transitions: { ...p.transitions, changed: 0, statusChanged: 0, scenarioChanged: 0, showChanged: 0, left: 0 },
    shows: { changed: 0, gained: [], lost: [], mostSent: null },
    sample: [],
    warnings: [],
  };
  const { dom, file } = render(still);
  assert.match(text(dom), /No account's selection changes: the two configs select the same\./);
  assert.match(text(dom), /The two effective configs are identical\./);
  expectEqual(count(dom, '<p class="empty">No show gained sends.</p>') + count(dom, '<p class="empty">No show lost sends.</p>'), 2, 'empty show tables');

  const png = join(tempDir('preview-png-'), 'preview.png');
  screenshot(file, png, 1280, 2400);
  const bytes = readFileSync(png);
  expectEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  expectEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [1280, 2400], 'width and height');
  assert.ok(statSync(png).size > 60_000, `screenshot is ${statSync(png).size} bytes`);
});
