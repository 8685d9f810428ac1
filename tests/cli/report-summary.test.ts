import assert from 'node:assert/strict';
import { test } from 'vitest';
import { formatReportSummary } from '../../cli/commands/report.js';
import { expectEqual } from '../support/expect-equal.js';
import { campaignReportFixture } from '../engine/report/html/campaign-report-fixture.js';

const written = { dir: '/r', json: '/r/report.json', html: '/r/report.html' };

test('the text report says targeted (intent-to-treat) and control, and shows delivered where a ledger exists', () => {
  const report = campaignReportFixture();
  const lines = formatReportSummary(report, written).split('\n');
  expectEqual(lines.slice(0, 4), [
    'campaign report 2026-11-16 to 2026-11-20',
    '  targeted: chosen for a push, whether delivered or not (intent-to-treat) · control: never sent',
    '  delivered: pushes CleverTap accepted (delivery records for 3 of 4 dates)',
    '  conversion: a play of the recommended show within 7 days · lift: targeted vs control, ≥ 100 accounts each',
  ]);
  expectEqual(lines[5]!.split(/\s{2,}/).slice(0, 8), ['date', 'targeted', 'delivered', 'conv.', 'rate', 'control', 'conv.', 'rate']);
  const cells = (date: string): string[] => lines.find((l) => l.startsWith(date))!.trim().split(/\s+/);
  expectEqual(cells('2026-11-16').slice(0, 3), ['2026-11-16', '1,500', '1,497'], 'a date with a ledger');
  expectEqual(cells('2026-11-17').slice(0, 3), ['2026-11-17', '400', '–'], 'a date without one');
  const accepted = report.dates.reduce((a, d) => a + (d.delivered?.accepted ?? 0), 0);
  expectEqual(cells('overall').slice(0, 3), ['overall', '5,100', accepted.toLocaleString('en-US')], 'overall');
  expectEqual(lines.find((l) => l.startsWith('2026-11-18')), '2026-11-18  no published run');
});

test('without any delivery ledger the table has no delivered column and the summary says nothing was recorded', () => {
  const report = campaignReportFixture();
  const text = formatReportSummary({ ...report, dates: report.dates.map((d) => ({ ...d, delivered: null })) }, written);
  assert.match(text, /^ {2}no delivery is recorded for these dates: the figures describe targeting, not pushes received$/m);
  assert.match(text, /^date +targeted +conv\. +rate +control +conv\. +rate +relative lift/m);
  assert.doesNotMatch(text, /delivered  /);
});
