/** The drift tests' dataset (engine and CLI): tiny, literal, with a predictable send count and scenario split. */
import { ago } from '../../reference/fixtures.js';
import type { Dataset } from '../../reference/fixtures.js';

export const ACCOUNTS = 40;

/**
 * 40 one-profile accounts, all eligible. Accounts 1–20 watched episode 1 of shows 1–3 (which have
 * a second episode): re_engagement. Accounts 21–40 watched shows 4–6 (one episode each): they fall
 * back to trending. So with no holdout every account is `send`, half re_engagement, half trending,
 * on D−2, D−1, D and D+1 alike. Each profile watches its first show again on D−1 and on D, so the
 * plays are fresh (SPEC §9 `freshness`: at most 2 days old) on every one of those dates.
 */
export function driftDataset(tombstonedAccounts: number[] = []): Dataset {
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => i + 1);
  return {
    catalog: [1, 2, 3, 4, 5, 6].flatMap((show) => [{ content_id: show * 10 + 1, show_id: show }, ...(show <= 3 ? [{ content_id: show * 10 + 2, show_id: show }] : [])]),
    accounts: ids.map((account_id) => ({ account_id })),
    profiles: ids.map((account_id) => ({ profile_id: 100 + account_id, account_id })),
    plays: ids.flatMap((account_id) => {
      const shows = account_id <= 20 ? [1, 2, 3] : [4, 5, 6];
      const again = [1, 0].map((n) => ({ profile_id: 100 + account_id, content_id: shows[0]! * 10 + 1, ts: ago(n) }));
      return [...shows.map((show) => ({ profile_id: 100 + account_id, content_id: show * 10 + 1, ts: ago(3) })), ...again];
    }),
    regions: [['US', 'na']],
    tombstones: tombstonedAccounts.map((account_id) => ({ account_id })),
  };
}
