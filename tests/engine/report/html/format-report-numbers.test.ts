import { test } from 'vitest';
import { formatCi, formatCount, formatPercent, formatPp, formatShortDate, formatSignedPercent, formatTickPercent } from '../../../../engine/report/html/format-report-numbers.js';
import { expectEqual } from '../../../support/expect-equal.js';

test('counts get thousands separators', () => {
  expectEqual([0, 999, 1234, 1234567].map(formatCount), ['0', '999', '1,234', '1,234,567']);
});

test('percentages keep two decimals only below 1%, and null is a dash', () => {
  expectEqual([0.0734, 0, 0.0042, 1, 12.345, null].map(formatPercent), ['7.3%', '0.0%', '0.42%', '100.0%', '1,234.5%', '—']);
});

test('signed values use a true minus and no sign when they round to zero', () => {
  expectEqual([0.123, -0.04, 0.0004, -0.0004, 22.262346].map(formatSignedPercent), ['+12.3%', '\u22124.0%', '0.0%', '0.0%', '+2,226.2%']);
  expectEqual([0.0083, -0.030292, 0.00004].map(formatPp), ['+0.83 pp', '\u22123.03 pp', '0.00 pp']);
  expectEqual(formatCi([-0.358534, 1.110867], formatSignedPercent), '\u221235.9% to +111.1%');
});

test('axis ticks and dates are short', () => {
  expectEqual([0, 0.25, 0.025, -0.5, 2].map(formatTickPercent), ['0%', '25%', '2.5%', '\u221250%', '200%']);
  expectEqual(['2026-11-22', '2027-01-01', 'someday'].map(formatShortDate), ['Nov 22', 'Jan 1', 'someday']);
});
