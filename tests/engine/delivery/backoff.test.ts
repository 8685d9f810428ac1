import { test } from 'vitest';
import { fullJitterDelay, outageWindowMs } from '../../../engine/delivery/backoff.js';
import { parseRetryAfter } from '../../../io/clevertap/upload-client.js';
import { expectEqual } from '../../support/expect-equal.js';

test('full jitter draws below base·2^(attempt−1), capped at the maximum', () => {
  const top = (): number => 0.999999;
  expectEqual([1, 2, 3, 4].map((a) => fullJitterDelay(a, 100, 10_000, top)), [99, 199, 399, 799]);
  expectEqual(fullJitterDelay(30, 100, 10_000, top), 9999);
  expectEqual(fullJitterDelay(5, 100, 10_000, () => 0), 0);
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  const now = Date.parse('2026-11-22T00:00:00Z');
  expectEqual(parseRetryAfter('3', now), 3000);
  expectEqual(parseRetryAfter('Sun, 22 Nov 2026 00:00:10 GMT', now), 10_000);
  expectEqual(parseRetryAfter('Sat, 21 Nov 2026 00:00:00 GMT', now), 0);
  expectEqual([parseRetryAfter(undefined), parseRetryAfter(''), parseRetryAfter('soon')], [null, null, null]);
});

test('the outage window adds up the ceilings of the first four retries, each capped', () => {
  expectEqual(outageWindowMs(200, 20_000), 200 + 400 + 800 + 1600);
  expectEqual(outageWindowMs(200, 500), 200 + 400 + 500 + 500);
  expectEqual(outageWindowMs(0, 20_000), 0);
});
