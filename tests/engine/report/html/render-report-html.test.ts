import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import type { BreakdownRow, CampaignReport, Lift } from '../../../../engine/report/report-types.js';
import { dimensionLabel } from '../../../../engine/labels/human-labels.js';
import { renderReportHtml } from '../../../../engine/report/html/render-report-html.js';
import { expectEqual } from '../../../support/expect-equal.js';
import { cardText, count, one, text } from '../../../support/dom-text.js';
import { tempDir } from '../../../support/temp-dir.js';
import { HOSTILE, campaignReportFixture } from './campaign-report-fixture.js';
import { dumpDom, screenshot } from './headless-chromium.js';

const row = (dom: string, date: string): string => one(dom, new RegExp(`<tr[^>]*data-date="${date}"[^>]*>[\\s\\S]*?</tr>`), `rows for ${date}`);
const panel = (dom: string, id: string): string => one(dom, new RegExp(`<section class="panel" id="${id}">[\\s\\S]*?</section>`), `${id} panels`);
const chart = (dom: string, name: string): string => one(dom, new RegExp(`<svg class="chart" data-chart="${name}"[\\s\\S]*?</svg>`), `${name} charts`);

function render(report: CampaignReport): { html: string; file: string; dom: string } {
  const html = renderReportHtml(report);
  const file = join(tempDir('report-html-'), 'report.html');
  writeFileSync(file, html);
  return { html, file, dom: dumpDom(file) };
}

test('the report renders in headless Chromium with the headline, markers and charts its data implies', () => {
  const report = campaignReportFixture();
  const { html, dom } = render(report);

  assert.doesNotMatch(html, /https?:\/\//, 'no network address anywhere');
  assert.doesNotMatch(dom, /<(script|link|img|iframe|object|embed)\b|\s(src|href)=|url\(|@import/i, 'nothing that could load a resource');

  const { lift } = report.overall;
  const percent1 = (x: number): string => `${(x * 100).toFixed(1)}%`;
  expectEqual(cardText(dom, 'relative-lift'), 'Lift, targeted over control group +85.0% 95% CI +17.5% to +191.3%');
  expectEqual(cardText(dom, 'absolute-lift'), 'Difference in conversion rate +2.96 pp 95% CI +1.28 pp to +4.65 pp');
  expectEqual(cardText(dom, 'sent-rate'), `Targeted conversion ${percent1(329 / 5100)} 329 of 5,100 accounts`);
  expectEqual(cardText(dom, 'holdout-rate'), `Control group conversion ${percent1(19 / 545)} 19 of 545 accounts`);
  expectEqual(cardText(dom, 'accounts'), 'Accounts compared 5,645 5,100 targeted · 545 control group');
  // Delivered: the ledger's accepted records over the three dates that have one (11-17 has none).
  const ledgered = report.dates.filter((d) => d.delivered !== null);
  const accepted = ledgered.reduce((a, d) => a + d.delivered!.accepted, 0);
  const targeted = ledgered.reduce((a, d) => a + d.lift.sent.accounts, 0);
  expectEqual(cardText(dom, 'delivered'), `Delivered ${accepted.toLocaleString('en-US')} of ${targeted.toLocaleString('en-US')} targeted accounts · 9 dead-lettered`);
  expectEqual(
    text(one(dom, /<p class="arms-note"[\s\S]*?<\/p>/, 'targeted notes')),
    'Targeted: accounts chosen for a push, whether or not it was delivered (intent-to-treat); lift compares them with the control group, which is never sent. Delivered: pushes CleverTap accepted, on the 3 of 4 dates with a delivery record.',
  );
  assert.match(text(dom), /Targeted accounts converted more than the control group/);
  assert.doesNotMatch(text(dom), /_/, 'no machine name (snake_case) on the page');

  // "too few accounts" marks exactly the insufficient lifts shown: the overall (headline + total
  // row), each date's row and each pooled breakdown row; the lift chart's legend names it once.
  const shown: Lift[] = [lift, lift, ...report.dates.map((d) => d.lift), ...Object.values(report.overall.breakdowns).flat()];
  const insufficient = shown.filter((l) => !l.sufficient).length;
  expectEqual(insufficient, 6, 'fixture insufficient lifts');
  expectEqual(count(dom, '<span class="badge too-few"'), insufficient, 'too-few badges');
  expectEqual(count(text(dom), 'too few accounts'), insufficient + 1, 'too few accounts in the text');
  for (const d of report.dates) expectEqual(count(row(dom, d.date), 'badge too-few'), d.lift.sufficient ? 0 : 1, `too-few badge on ${d.date}`);
  for (const [dimension, rows] of Object.entries(report.overall.breakdowns) as [string, BreakdownRow[]][]) {
    const table = one(dom, new RegExp(`<table class="lift-table" data-breakdown="${dimension}">[\\s\\S]*?</table>`), `${dimension} tables`);
    const bodyRows = [...table.matchAll(/<tr class="[^"]*"><th scope="row">([\s\S]*?)<\/th>([\s\S]*?)<\/tr>/g)];
    expectEqual(bodyRows.map((m) => [text(m[1]!), m[2]!.includes('badge too-few')]), rows.map((r) => [dimensionLabel(dimension)(r.key), !r.sufficient]), `${dimension} rows`);
  }

  for (const d of report.dates) expectEqual(count(row(dom, d.date), 'badge window-open'), d.window_complete ? 0 : 1, `window badge on ${d.date}`);
  expectEqual(text(one(dom, /<p class="notice open"[\s\S]*?<\/p>/, 'open-window notices')), 'Window not complete for 2026-11-20: the 7-day conversion window has not ended, so conversions for this date (and the pooled figures) will still rise.');
  expectEqual(text(one(dom, /<p class="notice missing"[\s\S]*?<\/p>/, 'missing-date notices')), 'No published run for 1 date: 2026-11-18.');
  expectEqual(text(row(dom, '2026-11-18')), '2026-11-18 no published run for this date');
  expectEqual(text(row(dom, '2026-11-16')).split(' ').slice(0, 10), ['2026-11-16', 'run', '0123456789abcdef', '1,500', '160', '40', '12', '1,497', '3', '8.0%']);
  assert.match(text(row(dom, '2026-11-19')), /— no holdout conversion$/);

  // The hostile name is text everywhere: no element it could have injected exists.
  assert.doesNotMatch(dom, /<b[\s>]/);
  assert.ok(dom.includes('<th scope="row">&lt;b&gt;&amp;"x"</th>'), 'escaped name as a row header');
  assert.ok(count(text(dom), HOSTILE) >= 5, 'name shown in breakdowns, legends and overlap');

  const liftChart = chart(dom, 'lift-over-time');
  const withRelative = report.dates.filter((d) => d.lift.relative !== null);
  expectEqual(count(liftChart, '<g class="lift-point'), withRelative.length, 'lift points');
  expectEqual(count(liftChart, '<g class="lift-point insufficient'), withRelative.filter((d) => !d.lift.sufficient).length, 'insufficient lift points');
  expectEqual(count(liftChart, 'window-open"'), report.dates.filter((d) => !d.window_complete).length, 'open-window lift points');
  expectEqual(count(liftChart, '<path class="clip"'), 1, 'clipped whiskers (11-17 upper bound +505%)');
  expectEqual(count(liftChart, '>n/a</text>'), report.dates.length - withRelative.length, 'dates without a relative lift');
  expectEqual(count(liftChart, '<rect class="band missing"'), report.missing_dates.length, 'shaded missing dates');
  expectEqual(count(liftChart, '<rect class="band open"'), report.dates.filter((d) => !d.window_complete).length, 'shaded open-window dates');
  expectEqual(count(liftChart, '>no run</text>'), report.missing_dates.length, 'missing dates named on the axis');

  const positive = (values: Record<string, number>): number => Object.values(values).filter((n) => n > 0).length;
  expectEqual(count(chart(dom, 'segment-sizes'), '<rect class="bar"'), report.dates.reduce((a, d) => a + positive(d.segment_sizes), 0), 'segment size bars');
  expectEqual(count(chart(dom, 'scenario-mix'), '<rect class="bar"'), report.dates.reduce((a, d) => a + positive(d.scenario_mix), 0), 'scenario mix bars');
  expectEqual(count(dom, '<svg class="chart"'), 3, 'charts');
  const breakdownRows = Object.values(report.overall.breakdowns).flat();
  expectEqual(count(panel(dom, 'breakdowns'), '<rect class="bar sent"'), breakdownRows.filter((r) => r.sent.rate !== null).length, 'sent rate bars');
  expectEqual(count(panel(dom, 'breakdowns'), '<rect class="bar holdout"'), breakdownRows.filter((r) => r.holdout.rate !== null).length, 'holdout rate bars');

  // Every date has the same overlap, so the per-date average is the day's count.
  const overlap = panel(dom, 'overlap');
  const overlapRows = [...overlap.matchAll(/<tr data-overlap-size="(\d+)">([\s\S]*?)<\/tr>/g)].map((m) => text(m[2]!));
  expectEqual(overlapRows, ['Re-engagement 1 900 56.3%', 'Re-engagement Trending 2 400 25.0%', 'Trending 1 200 12.5%', `${HOSTILE} Re-engagement Trending 3 100 6.3%`]);
  assert.match(text(overlap), new RegExp(`${percent1(500 / 1600).replace('.', '\\.')} of profiles with recommendations had them from two or more scenarios`));
});

test('a screenshot of the report is a full-size, non-trivial PNG', () => {
  const { file } = render(campaignReportFixture());
  const png = join(tempDir('report-png-'), 'report.png');
  screenshot(file, png, 1280, 2400);
  const bytes = readFileSync(png);
  expectEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  expectEqual(bytes.toString('latin1', 12, 16), 'IHDR');
  expectEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [1280, 2400], 'width and height');
  // A blank or unstyled page of this size compresses to a few kilobytes.
  assert.ok(statSync(png).size > 60_000, `screenshot is ${statSync(png).size} bytes`);
});

test('a report with no runs and no sent accounts renders every section with "no estimate" instead of failing', () => {
  const empty = (accounts: number): Lift['sent'] => ({ accounts, conversions: 0, rate: accounts === 0 ? null : 0 });
  const lift: Lift = { sent: empty(0), holdout: empty(120), absolute: null, relative: null, sufficient: false };
  const report: CampaignReport = {
    ...campaignReportFixture(),
    missing_dates: ['2026-11-16', '2026-11-17'],
    dates: [],
    overall: { lift, breakdowns: { scenario: [], rfm_segment: [], treatment: [], region: [] } },
  };
  const { dom } = render(report);
  expectEqual(cardText(dom, 'relative-lift'), 'Lift, targeted over control group — no estimate: a group is empty too few accounts');
  expectEqual(cardText(dom, 'sent-rate'), 'Targeted conversion — 0 of 0 accounts');
  expectEqual(cardText(dom, 'delivered'), 'Delivered — no delivery recorded');
  assert.match(text(dom), /No delivery is recorded for these dates, so the figures describe targeting, not pushes received\./);
  assert.match(text(dom), /No estimate: the targeted or the control group has no accounts\./);
  expectEqual(count(dom, '<svg class="chart"'), 0, 'charts');
  expectEqual(count(text(dom), 'No published runs in this date range.'), 4, 'empty chart panels');
  expectEqual(count(dom, '<p class="empty">No accounts in this breakdown.'), 4, 'empty breakdowns');
  expectEqual(count(dom, '<span class="badge too-few"'), 2, 'too-few badges (headline and total row)');
  expectEqual(text(row(dom, '2026-11-17')), '2026-11-17 no published run for this date');
});
