import { test } from 'vitest';
import { closestMatch, editDistance } from '../../kernels/edit-distance.js';
import { expectEqual } from '../support/expect-equal.js';

test('edit distance: insertions, deletions, substitutions and adjacent swaps cost 1 each', () => {
  expectEqual([editDistance('', ''), editDistance('abc', ''), editDistance('', 'ab')], [0, 3, 2]);
  expectEqual([editDistance('kitten', 'sitting'), editDistance('trendng', 'trending'), editDistance('--wokers', '--workers')], [3, 1, 1]);
  expectEqual([editDistance('ab', 'ba'), editDistance('window_days', 'windows_days'), editDistance('rnu', 'run')], [1, 1, 1]);
});

test('closest match: a near candidate, the first on a tie, none when too far', () => {
  expectEqual(closestMatch('trendng', ['cluster_discovery', 're_engagement', 'trending', 'avod']), 'trending');
  expectEqual(closestMatch('colour', ['--data', '--date']), null);
  expectEqual(closestMatch('ab', ['ax', 'ay']), 'ax');
  expectEqual(closestMatch('x', ['y']), 'y');
  expectEqual(closestMatch('deliverx', ['deliver', 'dead-letters']), 'deliver');
});
