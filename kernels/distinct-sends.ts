import { groupOffsets } from './group-offsets.js';

/** Send rows as columns: dense account index, day, raw profile and show ids, scenario code. */
export interface SendRows {
  account: Int32Array;
  day: Int32Array;
  profile: Float64Array;
  show: Float64Array;
  scenario: Int32Array;
}

/**
 * Adds to `out[a]` the number of distinct (day, profile, show, scenario) rows of account a among
 * the first `count` rows: a send recorded twice (in the `sends` table and in the ledger) is one.
 * Equivalent to: for each account, new Set(rows.map((r) => `${r.day}|${r.profile}|${r.show}|${r.scenario}`)).size.
 * Rows are grouped by account in O(n); an account has a handful of sends, so each group is
 * compared pairwise.
 */
export function countDistinctSends(rows: SendRows, count: number, accounts: number, out: Int32Array): void {
  const { account, day, profile, show, scenario } = rows;
  const { offsets, order } = groupOffsets(account, accounts, count);
  for (let a = 0; a < accounts; a++) {
    const from = offsets[a]!;
    const to = offsets[a + 1]!;
    let distinct = 0;
    for (let i = from; i < to; i++) {
      const r = order[i]!;
      let seen = false;
      for (let j = from; j < i && !seen; j++) {
        const q = order[j]!;
        seen = day[q] === day[r] && profile[q] === profile[r] && show[q] === show[r] && scenario[q] === scenario[r];
      }
      if (!seen) distinct++;
    }
    out[a] = out[a]! + distinct;
  }
}
