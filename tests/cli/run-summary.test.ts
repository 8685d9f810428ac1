import assert from 'node:assert/strict';
import { test } from 'vitest';
import { SUMMARY_WIDTH, labelledItems } from '../../cli/run-summary.js';
import { expectEqual } from '../support/expect-equal.js';

test('labelled items wrap between items, never inside one, within the summary width', () => {
  const items = Array.from({ length: 12 }, (_, i) => `${(i + 1) * 1000} households of kind ${i}`);
  const lines = labelledItems('households', items);
  assert.ok(lines.length > 1, 'wrapped');
  for (const line of lines) assert.ok(line.length <= SUMMARY_WIDTH, `${line.length} columns: ${line}`);
  expectEqual(lines.join(' ').replace(/\s+/g, ' ').trim(), `households ${items.join(' · ')}`, 'every item whole, in order');
  expectEqual(lines[0]!.startsWith('  households    '), true, 'label column');
  for (const line of lines.slice(1)) expectEqual(line.startsWith(' '.repeat(16)) && line[16] !== ' ', true, `continuation under the first item: ${line}`);
});

test('an item longer than the width stands alone on its line rather than being cut', () => {
  const long = 'x'.repeat(SUMMARY_WIDTH + 5);
  expectEqual(labelledItems('time', ['a', long, 'b']), ['  time          a ·', `${' '.repeat(16)}${long} ·`, `${' '.repeat(16)}b`]);
});
