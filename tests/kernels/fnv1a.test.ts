import { test } from 'vitest';
import { fnv1a32 } from '../../kernels/fnv1a.js';
import { expectEqual } from '../support/expect-equal.js';

test('matches published FNV-1a 32-bit vectors', () => {
  expectEqual(fnv1a32(''), 0x811c9dc5);
  expectEqual(fnv1a32('a'), 0xe40c292c);
  expectEqual(fnv1a32('foobar'), 0xbf9cf968);
});

test('hashes the UTF-8 bytes of non-ASCII text', () => {
  // "é" is 0xC3 0xA9 in UTF-8: hash those two bytes by hand.
  let h = 0x811c9dc5;
  for (const b of [0xc3, 0xa9]) h = Math.imul(h ^ b, 16777619) >>> 0;
  expectEqual(fnv1a32('é'), h);
});
