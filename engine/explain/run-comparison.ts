import { SCENARIOS } from '../config/config-types.js';
import type { Explanation, RecordedRow } from './explanation.js';

const rowsText = (rows: readonly { showId: number; score: number }[]): string => `[${rows.map((r) => `${r.showId}:${r.score}`).join(', ')}]`;

/**
 * Where the recomputed explanation and the run's files disagree: every profile's rows per
 * scenario (scores to the bit) and the selection row. A disagreement means the inputs, the
 * ledger or the engine changed since the run.
 */
export function compareWithRun(e: Pick<Explanation, 'profiles' | 'selection' | 'rfm' | 'account' | 'recorded'>): string[] {
  const out: string[] = [];
  for (const name of SCENARIOS) {
    const recorded = new Map<number, RecordedRow[]>();
    for (const r of e.recorded.scenarios[name]) {
      const list = recorded.get(r.profileId) ?? [];
      list.push(r);
      recorded.set(r.profileId, list);
    }
    for (const p of e.profiles) {
      const mine = p.scenarios.find((s) => s.scenario === name)?.top ?? [];
      const theirs = recorded.get(p.profileId) ?? [];
      const same = mine.length === theirs.length && mine.every((m, i) => m.rank === theirs[i]!.rank && m.showId === theirs[i]!.showId && Object.is(m.score, theirs[i]!.score));
      if (!same) out.push(`${name} of profile ${p.profileId}: the run wrote ${rowsText(theirs)}, recomputed ${rowsText(mine)}`);
    }
  }
  const run = e.recorded.selection;
  const sel = e.selection;
  if (run === null || sel === null) {
    if (run !== null) out.push(`selection: the run wrote a row (profile ${run.profileId}, status ${run.status}) but recomputed, the account does not reach rollup`);
    if (sel !== null) out.push(`selection: the run wrote no row but recomputed, profile ${sel.profileId} reaches rollup`);
    return out;
  }
  const noCandidates = sel.status === 'no_candidates';
  const fields: [string, unknown, unknown][] = [
    ['profile_id', run.profileId, sel.profileId],
    ['crm_id', run.crmId, e.account.crmId],
    ['rfm_segment', run.segment, e.rfm.segment],
    ['treatment', run.treatment, e.rfm.treatment],
    ['scenario', run.scenario, noCandidates ? null : sel.scenario],
    ['show_id', run.showId, noCandidates ? null : sel.showId],
    ['status', run.status, sel.status],
  ];
  for (const [field, theirs, mine] of fields) if (theirs !== mine) out.push(`selection ${field}: the run wrote ${String(theirs)}, recomputed ${String(mine)}`);
  return out;
}
