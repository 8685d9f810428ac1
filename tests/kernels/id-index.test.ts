import { test } from 'vitest';
import { buildIdIndex, lookupId, lookupIds } from '../../kernels/id-index.js';
import { expectEqual } from '../support/expect-equal.js';

test('maps ids of any magnitude below 2^53 to their positions', () => {
  const ids = [7, 2 ** 40 + 3, 0, -5, 2 ** 53 - 1, 4294967296, 4294967297];
  const { index, duplicateAt } = buildIdIndex(ids);
  expectEqual(duplicateAt, -1);
  expectEqual(ids.map((id) => lookupId(index, id)), [0, 1, 2, 3, 4, 5, 6]);
  expectEqual(lookupId(index, 8), -1);
  expectEqual(lookupId(index, 2 ** 40 + 4), -1);
});

test('reports the first duplicate position', () => {
  expectEqual(buildIdIndex([1, 2, 3, 2, 1]).duplicateAt, 3);
});

test('bulk lookup agrees with a Map on many colliding-prone ids', () => {
  const ids: number[] = [];
  for (let i = 0; i < 5000; i++) ids.push(i * 4294967296 + (i % 7));
  const { index } = buildIdIndex(ids, true);
  const probe = [...ids.slice(0, 100), 123, -1, 4294967296 * 9999];
  const reference = new Map(ids.map((id, i) => [id, i]));
  expectEqual(Array.from(lookupIds(index, probe, new Int32Array(probe.length))), probe.map((id) => reference.get(id) ?? -1));
});

test('runs of a repeated id (present or absent) map like single lookups', () => {
  const ids = [10, 20, 30, 40];
  const { index } = buildIdIndex(ids);
  const probe = [10, 10, 10, 99, 99, 20, 20, 10, 40, 40, 99, 30];
  const reference = new Map(ids.map((id, i) => [id, i]));
  expectEqual(Array.from(lookupIds(index, probe, new Int32Array(probe.length))), probe.map((id) => reference.get(id) ?? -1));
});
