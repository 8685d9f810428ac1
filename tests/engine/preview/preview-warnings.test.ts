import assert from 'node:assert/strict';
import { test } from 'vitest';
import type { SendChanges, ShowMoves } from '../../../engine/preview/preview-types.js';
import { previewCampaign } from '../../../engine/preview/preview-campaign.js';
import { previewWarnings } from '../../../engine/preview/preview-warnings.js';
import { expectEqual } from '../../support/expect-equal.js';

const sends = (before: number, after: number, scenario: [string, number, number][] = [], region: [string, number, number][] = []): SendChanges => ({
  total: { before, after },
  scenario: scenario.map(([key, b, a]) => ({ key, before: b, after: a })),
  rfm_segment: [],
  treatment: [],
  region: region.map(([key, b, a]) => ({ key, before: b, after: a })),
});
const shows = (before: number, after: number): ShowMoves => ({ changed: 1, gained: [], lost: [], mostSent: { showId: 71293, title: 'The Silent Station', category: 'holiday', before, after } });

test('one title above the share warns with its numbers before and after; at the share it does not', () => {
  expectEqual(previewWarnings(sends(14_200, 14_300), shows(404, 4_435), 0.2), [
    { kind: 'title_share', key: '71293', message: 'one title takes 31.0% of sends: 71293 "The Silent Station" (holiday) 4,435 of 14,300, was 404 (2.8%); the warning level is 20.0%' },
  ]);
  expectEqual(previewWarnings(sends(100, 100), shows(10, 20), 0.2), [], 'exactly 20%');
  expectEqual(previewWarnings(sends(100, 100), shows(10, 21), 0.2).length, 1, 'just above');
  expectEqual(previewWarnings(sends(100, 100), shows(10, 21), 0.25), [], 'a higher level');
});

test('a scenario or region that had sends and has none warns; one that had none, or nothing sent, does not', () => {
  const s = sends(
    500,
    500,
    [['trending', 120, 0], ['avod', 0, 0], ['re_engagement', 380, 500]],
    [['north_america', 300, 0], ['apac', 200, 500]],
  );
  expectEqual(previewWarnings(s, { changed: 0, gained: [], lost: [], mostSent: null }, 0.99), [
    { kind: 'scenario_dropped', key: 'trending', message: 'scenario Trending drops to zero sends (was 120)' },
    { kind: 'region_dropped', key: 'north_america', message: 'region north_america drops to zero sends (was 300)' },
  ]);
  expectEqual(previewWarnings(sends(0, 0), { changed: 0, gained: [], lost: [], mostSent: null }, 0.2), []);
});

test('previewCampaign refuses a title share outside (0, 1] before reading anything', async () => {
  for (const maxTitleShare of [0, -0.1, 1.5, Number.NaN]) {
    await assert.rejects(previewCampaign({ dataDir: '/nonexistent', date: '2026-11-22', maxTitleShare }), (err: Error & { code?: string }) => {
      expectEqual([err.code, err.message], ['BAD_OPTION', `maxTitleShare must be a share above 0 and at most 1, got ${maxTitleShare}`]);
      return true;
    });
  }
});
